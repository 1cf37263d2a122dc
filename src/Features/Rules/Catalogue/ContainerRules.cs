using System.Text.RegularExpressions;
using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

/// <summary>
/// Literal secrets in env are High; a secretKeyRef/secretRef in env is Low. The choice: env is the documented Kubernetes
/// way and keeps the value out of the manifest, but environment variables leak through /proc, crash dumps, child processes
/// and "print the config" logging, and do not rotate; a mounted secret volume does neither, so it is what we recommend.
/// </summary>
public sealed partial class LiteralSecretInEnvRule() : ContainerRule(new RuleInfo(
    "K8P-SEC-001", "Secret-looking literal in an environment variable", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, SecretsManagement, null,
    "A password, token or key written as a literal env value sits in Git, in the manifest and in the API server for everyone who can read the workload.",
    "Move the value into a Secret (ideally synced from a vault) and mount it as a file.",
    ["kubescape:C-0012"]))
{
    [GeneratedRegex(@"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STRING|(^|_)KEY$|(^|_)PWD$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    internal static partial Regex SecretName();

    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var env in container.Element.Arr("env"))
        {
            if (env.Str("name") is { } name && SecretName().IsMatch(name) && env.Str("value") is { Length: > 0 })
            {
                yield return $"env {name} has a literal value.";
            }
        }
    }
}

public sealed class SecretInEnvRule() : ContainerRule(new RuleInfo(
    "K8P-SEC-002", "Secret exposed as an environment variable", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, SecretsManagement, null,
    "Secrets in environment variables leak through /proc, crash dumps, child processes and logs, and do not rotate without a restart.",
    "Mount the Secret as a read-only volume and read the file.",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var env in container.Element.Arr("env"))
        {
            if (env.Obj("valueFrom")?.Obj("secretKeyRef") is { } reference)
            {
                yield return $"env {env.Str("name") ?? "?"} reads secret {reference.Str("name") ?? "?"}/{reference.Str("key") ?? "?"}.";
            }
        }
        foreach (var envFrom in container.Element.Arr("envFrom"))
        {
            if (envFrom.Obj("secretRef") is { } reference)
            {
                yield return $"envFrom loads every key of secret {reference.Str("name") ?? "?"}.";
            }
        }
    }
}

public abstract class ResourceRule(RuleInfo info) : ContainerRule(info)
{
    protected static bool Has(ContainerView container, string section, string resource) =>
        container.Element.Obj("resources")?.Obj(section)?.Prop(resource) is { } value && value.ValueKind is not System.Text.Json.JsonValueKind.Null;

    protected static bool Applies(ContainerView container) => container.Section != "ephemeralContainers";
}

public sealed class CpuLimitRule() : ResourceRule(new RuleInfo(
    "K8P-RES-001", "CPU limit missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "A container without a CPU limit can starve its neighbours on the node (Kubernetes Goat's DoS scenario).",
    "Set resources.limits.cpu (or a namespace LimitRange that sets it).",
    ["polaris:cpuLimitsMissing", "kube-score:container-resources", "kubesec:LimitsCPU"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "limits", "cpu"))
        {
            yield return "resources.limits.cpu is not set.";
        }
    }
}

public sealed class MemoryLimitRule() : ResourceRule(new RuleInfo(
    "K8P-RES-002", "Memory limit missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "A container without a memory limit can exhaust the node's memory and get other pods evicted.",
    "Set resources.limits.memory.",
    ["polaris:memoryLimitsMissing", "kube-score:container-resources", "kubesec:LimitsMemory"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "limits", "memory"))
        {
            yield return "resources.limits.memory is not set.";
        }
    }
}

public sealed class ResourceRequestsRule() : ResourceRule(new RuleInfo(
    "K8P-RES-003", "CPU or memory request missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "Without requests the scheduler cannot place the pod sensibly and the pod is first to be evicted under pressure.",
    "Set resources.requests.cpu and resources.requests.memory.",
    ["polaris:cpuRequestsMissing", "polaris:memoryRequestsMissing", "kube-score:container-resources", "kubesec:RequestsCPU", "kubesec:RequestsMemory"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        // A limit without a request makes the request equal to the limit, so only a missing pair is reported.
        var missing = ((string[])["cpu", "memory"]).Where(r => !Has(container, "requests", r) && !Has(container, "limits", r)).ToList();
        if (Applies(container) && missing.Count > 0)
        {
            yield return $"resources.requests.{string.Join(" and ", missing)} not set.";
        }
    }
}

public sealed class ReadOnlyRootFilesystemRule() : ContainerRule(new RuleInfo(
    "K8P-CTR-001", "Root filesystem is writable", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "Most containers are meant to be read-only: a writable root lets an attacker drop tools or change binaries below /etc or /bin.",
    "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the process writes.",
    ["polaris:notReadOnlyRootFilesystem", "kube-score:container-security-context-readonlyrootfilesystem", "kubesec:ReadOnlyRootFilesystem", "trivy:KSV014", "kubescape:C-0017"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.SecurityContext?.Flag("readOnlyRootFilesystem") != true)
        {
            yield return "readOnlyRootFilesystem is not true.";
        }
    }
}
