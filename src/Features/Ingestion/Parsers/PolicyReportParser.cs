using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Policy reports, YAML or JSON, one object, several documents or a List: PolicyReport and ClusterPolicyReport of
/// wgpolicyk8s.io v1alpha1, v1alpha2 and v1beta1, and openreports.io v1alpha1 Report and ClusterReport, as Kyverno,
/// Trivy, kube-bench, Falco and other adapters write them. Each result whose verdict (<c>result</c>, or v1alpha1's
/// <c>status</c>) is fail, warn or error is a finding on each resource it names (results[].resources or subjects,
/// else the report's scope, else its owner); a result without a verdict (the prototype Trivy adapter's) is a
/// reported problem and counts as fail. A CVE or GHSA id in the policy, rule or properties makes a vulnerability.
/// </summary>
public sealed partial class PolicyReportParser : IScanParser
{
    public const string FormatName = "policyreport";

    private static readonly string[] ApiGroups = ["wgpolicyk8s.io/", "openreports.io/"];
    private static readonly HashSet<string> ReportKinds = new(StringComparer.Ordinal) { "PolicyReport", "ClusterPolicyReport", "Report", "ClusterReport" };
    private static readonly HashSet<string> FindingVerdicts = new(StringComparer.OrdinalIgnoreCase) { "fail", "warn", "error" };

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["clusterpolicyreport", "openreports"];
    public string SourceTool => "policyreport";

    public static bool IsPolicyReport(string? apiVersion, string? kind) =>
        apiVersion is not null && kind is not null && ReportKinds.Contains(kind)
        && ApiGroups.Any(g => apiVersion.StartsWith(g, StringComparison.Ordinal));

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (apiVersion, kind) = KubernetesDocuments.Sniff(payload);
        return IsPolicyReport(apiVersion, kind);
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var documents = KubernetesDocuments.Parse(payload, "PolicyReport");
        var findings = new List<NormalisedFinding>();
        var subjects = new List<ReportSubject>();
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in documents.Objects)
        {
            if (!IsPolicyReport(report.ApiVersion, report.Kind))
            {
                throw new ScanParseException(
                    $"Expected a PolicyReport (wgpolicyk8s.io or openreports.io), but {(report.Pointer.Length == 0 ? "the payload" : report.Pointer)} is {report.ApiVersion ?? "(no apiVersion)"} {report.Kind ?? "(no kind)"}.",
                    report.Pointer + "/kind");
            }
            var root = report.Element;
            var reportSource = root.String("source");
            var fallback = ReportResources(root, report.Kind!);
            // Each report object covers itself (kind, namespace, name): Kyverno and the adapters publish one per resource or
            // namespace and send them one at a time. Its findings are each tool's view of it (a report can mix tools).
            var metadata = root.Object("metadata");
            var subjectKey = string.Join('/', report.Kind, metadata?.String("namespace"), metadata?.String("name"));
            var reportSubjects = new Dictionary<string, ReportSubject>(StringComparer.Ordinal);
            foreach (var (result, pointer) in root.Array("results", report.Pointer))
            {
                ParserSupport.RequireObject(result, pointer, "entry of 'results'");
                var tool = (result.String("source") ?? reportSource)?.Trim().ToLowerInvariant();
                if (tool is not null)
                {
                    sources.Add(tool);
                }
                if (!reportSubjects.TryGetValue(tool ?? "", out var subject))
                {
                    reportSubjects[tool ?? ""] = subject = new ReportSubject(subjectKey, tool);
                }
                var verdict = result.String("result") ?? result.String("status") ?? "fail";
                if (!FindingVerdicts.Contains(verdict))
                {
                    continue;
                }
                var resources = ResultResources(result, pointer);
                foreach (var resource in resources.Count > 0 ? resources : fallback)
                {
                    findings.Add(ReadResult(result, pointer, verdict, resource) with { Subject = subject });
                }
            }
            // A report without results names its tool by its managed-by label, if at all; it still covers its object.
            subjects.AddRange(reportSubjects.Count > 0
                ? reportSubjects.Values
                : [new ReportSubject(subjectKey, metadata?.Object("labels")?.String("app.kubernetes.io/managed-by")?.Trim().ToLowerInvariant())]);
        }
        var hint = new ScanScopeHint(ScanArtifactKind.Cluster, null, null);
        return new ScanParseResult(hint, findings) { SourceTool = sources.Count == 1 ? sources.Single() : FormatName, Subjects = subjects };
    }

    private sealed record Resource(string? Kind, string? Namespace, string? Name, string? Container);

    /// <summary>results[].resources (wgpolicyk8s.io) or subjects (openreports.io): object references.</summary>
    private static List<Resource> ResultResources(JsonElement result, string pointer)
    {
        var list = new List<Resource>();
        foreach (var name in new[] { "resources", "subjects" })
        {
            foreach (var (reference, referencePointer) in result.Array(name, pointer))
            {
                ParserSupport.RequireObject(reference, referencePointer, $"entry of '{name}'");
                list.Add(new Resource(reference.String("kind"), reference.String("namespace"), reference.String("name"), null));
            }
        }
        return list;
    }

    /// <summary>
    /// The report's own subject: its <c>scope</c>, else the controlling owner reference; namespaced reports lend their
    /// namespace. One null resource when the report names none (a resourceSelector or nothing at all).
    /// </summary>
    private static List<Resource> ReportResources(JsonElement report, string kind)
    {
        var metadata = report.Object("metadata");
        var labels = metadata?.Object("labels");
        var namespaced = !kind.StartsWith("Cluster", StringComparison.Ordinal);
        var reportNamespace = namespaced ? metadata?.String("namespace") : null;
        // Adapters that report one container's image label it (the prototype Trivy adapter: imgvuln.container.name).
        var container = labels?.EnumerateObject().FirstOrDefault(l => l.Name.EndsWith(".container.name", StringComparison.Ordinal) && l.Value.ValueKind == JsonValueKind.String).Value is { ValueKind: JsonValueKind.String } c
            ? c.GetString()
            : null;
        if (report.Object("scope") is { } scope)
        {
            var scopeKind = scope.String("kind");
            var scopeName = scope.String("name");
            var ns = scope.String("namespace") ?? (scopeKind == "Namespace" ? scopeName : reportNamespace);
            return [new Resource(scopeKind, ns, scopeName, container)];
        }
        var owner = metadata is { } m
            ? m.Array("ownerReferences", "").Select(o => o.Item).Where(o => o.ValueKind == JsonValueKind.Object)
                .OrderByDescending(o => o.TryGetProperty("controller", out var isController) && isController.ValueKind == JsonValueKind.True)
                .Cast<JsonElement?>().FirstOrDefault()
            : null;
        if (owner is { } o && o.String("kind") is { } ownerKind)
        {
            var ownerName = o.String("name");
            return [new Resource(ownerKind, ownerKind == "Namespace" ? ownerName : reportNamespace, ownerName, container)];
        }
        return [new Resource(null, reportNamespace, null, container)];
    }

    private static NormalisedFinding ReadResult(JsonElement result, string pointer, string verdict, Resource resource)
    {
        var policy = result.String("policy");
        var rule = result.String("rule");
        var message = result.String("message");
        var category = result.String("category");
        var source = result.String("source");
        var properties = Properties(result);

        var vulnerabilityId = Property(properties, "vulnerabilityID", "vulnerabilityId", "cve", "cveID")
            ?? (policy is not null && VulnerabilityId().IsMatch(policy) ? policy : null)
            ?? (rule is not null && VulnerabilityId().IsMatch(rule) ? rule : null);
        var severityText = result.String("severity");
        var severity = severityText is null && verdict.Equals("error", StringComparison.OrdinalIgnoreCase)
            ? FindingSeverity.Unknown
            : TrivyJsonParser.MapSeverity(severityText);
        var container = Property(properties, "container", "containerName") ?? resource.Container;

        if (vulnerabilityId is not null)
        {
            return ReadVulnerability(vulnerabilityId, policy, message, category, severity, properties, resource, container);
        }
        if (policy is null && rule is null)
        {
            throw new ScanParseException($"The result at {pointer} names neither a policy nor a rule.", pointer + "/policy");
        }

        var ruleId = policy is null ? rule : rule is null || rule == policy ? policy : $"{policy}/{rule}";
        var mapping = ComplianceMappings.ForKyvernoPolicy(policy);
        var networkPolicy = IsNetworkPolicy(policy) || IsNetworkPolicy(rule) || IsNetworkPolicy(category);
        if (networkPolicy)
        {
            mapping ??= new ComplianceMappings.Mapping(ComplianceMappings.NetworkSegmentation);
        }
        var isVulnerabilityCategory = category is not null && category.Contains("vulnerab", StringComparison.OrdinalIgnoreCase);
        var url = Property(properties, "primaryURL", "primaryLink", "url");
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = networkPolicy ? FindingCategory.NetworkPolicyMisconfiguration
                : isVulnerabilityCategory ? FindingCategory.Vulnerability
                : FindingCategory.KubernetesMisconfiguration,
            Severity = severity,
            Title = rule is null || rule == policy ? policy ?? rule! : $"{policy}: {rule}",
            Description = ParserSupport.JoinText("\n\n", message, category is null ? null : "Category: " + category,
                verdict.Equals("fail", StringComparison.OrdinalIgnoreCase) ? null : "Result: " + verdict.ToLowerInvariant(),
                source is null ? null : "Source: " + source),
            RuleId = ruleId,
            NamespaceName = resource.Namespace,
            ResourceKind = resource.Kind,
            ResourceName = resource.Name,
            Container = container,
            PrimaryUrl = url,
            References = url is null ? [] : [url],
        }.WithCompliance(mapping);
    }

    private static NormalisedFinding ReadVulnerability(string vulnerabilityId, string? policy, string? message, string? category,
        FindingSeverity severity, Dictionary<string, string> properties, Resource resource, string? container)
    {
        // The prototype Trivy adapter puts the package in 'category' and the title in 'policy'.
        var package = Property(properties, "pkgName", "packageName", "package", "resource")
            ?? (category is not null && !category.Contains(' ', StringComparison.Ordinal) && !category.Contains("vulnerab", StringComparison.OrdinalIgnoreCase) ? category : null);
        var title = message ?? (policy is not null && policy != vulnerabilityId ? policy : null) ?? vulnerabilityId;
        var image = ImageReference.TryParse(Property(properties, "image", "imageName", "artifact"));
        var url = Property(properties, "primaryURL", "primaryLink", "url");
        var score = Property(properties, "score", "cvssScore") is { } text && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : (double?)null;
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Vulnerability,
            Category = FindingCategory.Vulnerability,
            Severity = severity == FindingSeverity.Unknown && score is { } s ? ParserSupport.FromCvssScore(s) : severity,
            Title = title,
            VulnerabilityId = vulnerabilityId,
            CvssScore = score,
            PackageName = package,
            InstalledVersion = Property(properties, "installedVersion"),
            FixedVersion = Property(properties, "fixedVersion"),
            PrimaryUrl = url,
            References = url is null ? [] : [url],
            // Without an image, the object the report is about stands for the artifact.
            Target = image is null ? ResourceReference(resource) : null,
            NamespaceName = resource.Namespace,
            ResourceKind = resource.Kind,
            ResourceName = resource.Name,
            Container = container,
        }.WithImage(image);
    }

    private static string? ResourceReference(Resource resource) => resource.Name is null
        ? null
        : string.Join('/', new[] { resource.Namespace, resource.Kind, resource.Name }.Where(p => !string.IsNullOrEmpty(p)));

    private static bool IsNetworkPolicy(string? text) => text is not null
        && (text.Contains("networkpolic", StringComparison.OrdinalIgnoreCase)
            || text.Contains("network-polic", StringComparison.OrdinalIgnoreCase)
            || text.Contains("network polic", StringComparison.OrdinalIgnoreCase));

    /// <summary>properties (v1alpha2 and later) or data (v1alpha1): string maps, read case-insensitively.</summary>
    private static Dictionary<string, string> Properties(JsonElement result)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "properties", "data" })
        {
            if (result.Object(name) is { } values)
            {
                foreach (var property in values.EnumerateObject())
                {
                    if (values.String(property.Name) is { } value)
                    {
                        map.TryAdd(property.Name, value);
                    }
                }
            }
        }
        return map;
    }

    private static string? Property(Dictionary<string, string> properties, params string[] names) =>
        names.Select(n => properties.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    [GeneratedRegex(@"^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VulnerabilityId();
}
