using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Shared;

namespace K8Posture.Features.Rules;

public sealed record EvaluatedResource(string Kind, string? Namespace, string Name, string? Container);

public sealed record EvaluatedFinding(
    string RuleId,
    string Title,
    FindingSeverity Severity,
    FindingCategory Category,
    string OwaspK8s,
    string? PssControl,
    EvaluatedResource Resource,
    string Message,
    string Remediation,
    IReadOnlyList<string> References);

/// <summary>The answer of <c>POST /api/v1/evaluate</c>: pass/fail against the current policy, with the findings behind it.</summary>
public sealed record EvaluationResult(
    bool Passed,
    FindingSeverity Threshold,
    int PolicyVersion,
    int Objects,
    IReadOnlyDictionary<FindingSeverity, int> Counts,
    IReadOnlyList<EvaluatedFinding> Findings);

/// <summary>
/// The one policy engine: runs the catalogue over a manifest set as a whole, then applies the Security Team's policy
/// (rule switches, severity overrides, allowed registries, fail threshold). Stateless; stores nothing.
/// </summary>
public sealed class PolicyEvaluator(RuleCatalogue catalogue)
{
    public const string FormatName = "Kubernetes manifest";

    public RuleCatalogue Catalogue => catalogue;

    /// <exception cref="Ingestion.ScanParseException">The payload is not valid YAML or JSON (message and "line N, position M").</exception>
    public EvaluationResult Evaluate(ReadOnlyMemory<byte> manifests, PolicyDocument policy, int policyVersion)
    {
        using var documents = KubernetesDocuments.Parse(manifests, FormatName);
        return Evaluate(documents.Objects.Select(o => o.Element), policy, policyVersion);
    }

    public EvaluationResult Evaluate(IEnumerable<JsonElement> objects, PolicyDocument policy, int policyVersion)
    {
        var context = ManifestContext.Create(objects, policy);
        var findings = new List<EvaluatedFinding>();
        foreach (var rule in catalogue.Rules)
        {
            if (!policy.IsEnabled(rule.Id))
            {
                continue;
            }
            var severity = policy.SeverityOf(rule.Id, rule.DefaultSeverity);
            foreach (var violation in rule.Evaluate(context))
            {
                var resource = violation.Resource;
                findings.Add(new EvaluatedFinding(rule.Id, rule.Title, severity, rule.Category, rule.OwaspK8s, rule.PssControl,
                    new EvaluatedResource(resource.Kind, resource.Namespace, resource.Name, resource.Container),
                    violation.Message, rule.Remediation, rule.References));
            }
        }
        findings.Sort((a, b) => b.Severity != a.Severity ? b.Severity.CompareTo(a.Severity) : string.CompareOrdinal(a.RuleId, b.RuleId));
        var counts = Enum.GetValues<FindingSeverity>().Where(s => s != FindingSeverity.Unknown).OrderDescending()
            .ToDictionary(s => s, s => findings.Count(f => f.Severity == s));
        var passed = !findings.Any(f => f.Severity >= policy.EvaluateFailThreshold);
        return new EvaluationResult(passed, policy.EvaluateFailThreshold, policyVersion, context.Objects.Count, counts, findings);
    }
}
