using K8Posture.Data;

namespace K8Posture.Features.Rules;

/// <summary>Where a violation sits: the object (kind, namespace, name) and, for container checks, the container.</summary>
public sealed record ResourceRef(string Kind, string? Namespace, string Name, string? Container = null);

/// <summary>One place a rule does not hold, with a message a person can act on.</summary>
public sealed record RuleViolation(ResourceRef Resource, string Message);

/// <summary>
/// A built-in check. Rules are small sealed classes, stateless and thread-safe; the engine hands them the whole manifest
/// set at once, so a rule may look across objects (bindings and the workloads that use them, namespaces and their policies).
/// </summary>
public interface IRule
{
    /// <summary>Stable id, "K8P-AREA-NNN"; policies switch rules and override severities by it.</summary>
    string Id { get; }
    string Title { get; }
    FindingCategory Category { get; }
    FindingSeverity DefaultSeverity { get; }
    /// <summary>OWASP Kubernetes Top 10 (2025) id, "K01".."K10".</summary>
    string OwaspK8s { get; }
    /// <summary>Pod Security Standards control, "baseline/privileged-containers"; null when the rule is not a PSS control.</summary>
    string? PssControl { get; }
    /// <summary>Why it matters: the risk the finding stands for.</summary>
    string Description { get; }
    string Remediation { get; }
    /// <summary>Equivalent checks elsewhere: "polaris:hostPathSet", "kube-score:…", "kubesec:…", "pss:…", "owasp-k8s-2025:K01".</summary>
    IReadOnlyList<string> References { get; }

    IEnumerable<RuleViolation> Evaluate(ManifestContext context);
}

/// <summary>What a rule is, as its constructor states it.</summary>
public sealed record RuleInfo(
    string Id,
    string Title,
    FindingCategory Category,
    FindingSeverity Severity,
    string OwaspK8s,
    string? PssControl,
    string Description,
    string Remediation,
    IReadOnlyList<string> References);

/// <summary>Metadata plumbing shared by every rule; the pss: and owasp-k8s-2025: references are derived, never typed twice.</summary>
public abstract class RuleBase : IRule
{
    private readonly RuleInfo _info;

    protected RuleBase(RuleInfo info)
    {
        _info = info;
        var references = new List<string>(info.References);
        if (info.PssControl is not null)
        {
            references.Add("pss:" + info.PssControl);
        }
        references.Add("owasp-k8s-2025:" + info.OwaspK8s);
        References = references.Distinct(StringComparer.Ordinal).ToList();
    }

    public string Id => _info.Id;
    public string Title => _info.Title;
    public FindingCategory Category => _info.Category;
    public FindingSeverity DefaultSeverity => _info.Severity;
    public string OwaspK8s => _info.OwaspK8s;
    public string? PssControl => _info.PssControl;
    public string Description => _info.Description;
    public string Remediation => _info.Remediation;
    public IReadOnlyList<string> References { get; }

    public abstract IEnumerable<RuleViolation> Evaluate(ManifestContext context);
}

/// <summary>A check of each pod spec (Pod, the pod template of a controller, a CronJob's job template).</summary>
public abstract class WorkloadRule(RuleInfo info) : RuleBase(info)
{
    public sealed override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var workload in context.Workloads)
        {
            foreach (var (container, message) in Check(workload, context))
            {
                yield return new RuleViolation(workload.Owner.Ref(container), message);
            }
        }
    }

    /// <summary>Messages, each with the container it concerns (null for the pod as a whole).</summary>
    protected abstract IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context);
}

/// <summary>A check of each container (init and ephemeral containers included).</summary>
public abstract class ContainerRule(RuleInfo info) : RuleBase(info)
{
    public sealed override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var workload in context.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var message in Check(container, context))
                {
                    yield return new RuleViolation(workload.Owner.Ref(container.Name), message);
                }
            }
        }
    }

    protected abstract IEnumerable<string> Check(ContainerView container, ManifestContext context);
}
