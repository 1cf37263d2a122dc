using System.Text;
using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Kubescape's JSON report (PostureReport v2), old and new shapes: summaryDetails.controls (name, scoreFactor),
/// resources[] (resourceID → Kubernetes object) and results[] (resourceID → controls with a status object in new
/// versions, or only per-rule statuses in old ones). Each failed control on a resource is a finding.
/// </summary>
public sealed class KubescapeParser : IScanParser
{
    public const string FormatName = "kubescape";

    private static readonly HashSet<string> NetworkPolicyControls = new(StringComparer.OrdinalIgnoreCase) { "C-0260", "C-0054", "C-0049" };

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["kubescape-json"];
    public string SourceTool => "kubescape";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (names, _) = ParserSupport.TopLevel(payload);
        if (names.Contains("SchemaVersion") || names.Contains("runs") || names.Contains("matches"))
        {
            return false;
        }
        // summaryDetails may come after a resources array too large for the sniffed head; the report GUIDs come first.
        return names.Contains("summaryDetails")
            || ((names.Contains("resources") || names.Contains("results")) && (names.Contains("reportGUID") || names.Contains("customerGUID")));
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "Kubescape JSON");
        var root = ParserSupport.RequireRootObject(document, "Kubescape JSON");
        if (!root.TryGetProperty("results", out _) && !root.TryGetProperty("summaryDetails", out _))
        {
            throw new ScanParseException("A Kubescape report has 'summaryDetails' and 'results'; this payload has neither.", "/results");
        }

        var summaries = ReadControlSummaries(root.Object("summaryDetails"));
        var resources = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (resource, pointer) in root.Array("resources", ""))
        {
            ParserSupport.RequireObject(resource, pointer, "entry of 'resources'");
            if (resource.String("resourceID") is { } id && resource.Object("object") is { } obj)
            {
                resources.TryAdd(id, obj);
            }
        }

        var findings = new List<NormalisedFinding>();
        foreach (var (result, pointer) in root.Array("results", ""))
        {
            ParserSupport.RequireObject(result, pointer, "entry of 'results'");
            var resourceId = result.String("resourceID")
                ?? throw new ScanParseException($"The result at {pointer} has no resourceID.", pointer + "/resourceID");
            var resource = ReadResource(resourceId, resources.TryGetValue(resourceId, out var obj) ? obj : null);
            foreach (var (control, controlPointer) in result.Array("controls", pointer))
            {
                ParserSupport.RequireObject(control, controlPointer, "control");
                if (!IsFailed(control))
                {
                    continue;
                }
                var controlId = control.String("controlID") ?? control.String("id")
                    ?? throw new ScanParseException($"The control at {controlPointer} has no controlID.", controlPointer + "/controlID");
                findings.Add(ReadFinding(control, controlId, summaries.GetValueOrDefault(controlId), resource));
            }
        }

        var clusterName = root.String("clusterName");
        var repository = root.Object("metadata")?.Object("targetMetadata")?.Object("gitRepoContextMetadata")?.String("repo");
        var hint = clusterName is not null
            ? new ScanScopeHint(ScanArtifactKind.Cluster, clusterName, null, clusterName)
            : new ScanScopeHint(repository is null ? ScanArtifactKind.Unknown : ScanArtifactKind.Repository, repository, null);
        var version = root.Object("metadata")?.Object("scanMetadata")?.String("kubescapeVersion");
        return new ScanParseResult(hint, findings, version);
    }

    /// <summary>Kubescape's scoreFactor bands: 1–3 low, 4–6 medium, 7–8 high, 9–10 critical.</summary>
    public static FindingSeverity MapScoreFactor(double? scoreFactor) => scoreFactor switch
    {
        null or double.NaN or < 1 => FindingSeverity.Unknown,
        >= 9 => FindingSeverity.Critical,
        >= 7 => FindingSeverity.High,
        >= 4 => FindingSeverity.Medium,
        _ => FindingSeverity.Low,
    };

    /// <summary>New reports: status.status == "failed"; old reports have no control status, only rules[].status.</summary>
    internal static bool IsFailed(JsonElement control)
    {
        if (control.TryGetProperty("status", out var status))
        {
            var text = status.ValueKind switch
            {
                JsonValueKind.Object => status.String("status"),
                JsonValueKind.String => status.GetString(),
                _ => null,
            };
            if (text is not null)
            {
                return text.Equals("failed", StringComparison.OrdinalIgnoreCase);
            }
        }
        return control.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array
            && rules.EnumerateArray().Any(r => string.Equals(r.String("status"), "failed", StringComparison.OrdinalIgnoreCase));
    }

    private sealed record Resource(string? Kind, string? Namespace, string? Name);

    /// <summary>The Kubernetes object a result is about, from resources[].object, else from the resourceID ("…/api=group/version/namespace/Kind/name").</summary>
    private static Resource ReadResource(string resourceId, JsonElement? obj)
    {
        if (obj is { } o)
        {
            var metadata = o.Object("metadata");
            // Composite RBAC resources carry kind, name and namespace at the top, with relatedObjects.
            var kind = o.String("kind");
            var name = metadata?.String("name") ?? o.String("name");
            var ns = metadata?.String("namespace") ?? o.String("namespace");
            if (kind is not null && name is not null)
            {
                return new Resource(kind, ns ?? (kind == "Namespace" ? name : null), name);
            }
        }
        var api = resourceId.LastIndexOf("api=", StringComparison.Ordinal);
        var parts = (api >= 0 ? resourceId[(api + 4)..] : resourceId).Split('/');
        if (parts.Length >= 3)
        {
            var (ns, kind, name) = (parts[^3], parts[^2], parts[^1]);
            return new Resource(kind, ns.Length == 0 ? (kind == "Namespace" ? name : null) : ns, name);
        }
        return new Resource(null, null, resourceId);
    }

    private static Dictionary<string, JsonElement> ReadControlSummaries(JsonElement? summaryDetails)
    {
        var summaries = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (summaryDetails is not { } details || !details.TryGetProperty("controls", out var controls))
        {
            return summaries;
        }
        if (controls.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in controls.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                summaries.TryAdd(property.Value.String("controlID") ?? property.Name, property.Value);
            }
        }
        else if (controls.ValueKind == JsonValueKind.Array)
        {
            foreach (var control in controls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
            {
                if ((control.String("controlID") ?? control.String("id")) is { } id)
                {
                    summaries.TryAdd(id, control);
                }
            }
        }
        return summaries;
    }

    private static NormalisedFinding ReadFinding(JsonElement control, string controlId, JsonElement summary, Resource resource)
    {
        var hasSummary = summary.ValueKind == JsonValueKind.Object;
        var severity = MapScoreFactor(hasSummary ? summary.Number("scoreFactor") : null);
        if (severity == FindingSeverity.Unknown)
        {
            severity = TrivyJsonParser.MapSeverity((hasSummary ? summary.String("severity") : null) ?? control.String("severity"));
        }

        var ruleNames = control.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array
            ? rules.EnumerateArray().Select(r => r.String("name")).OfType<string>().ToList()
            : [];
        var mapping = ComplianceMappings.ForRule(controlId)
            ?? (controlId.StartsWith("CIS-", StringComparison.OrdinalIgnoreCase) ? ComplianceMappings.ForCisCheck(controlId) : null);
        var networkPolicy = NetworkPolicyControls.Contains(controlId)
            || ruleNames.Contains("internal-networking", StringComparer.OrdinalIgnoreCase)
            || mapping?.OwaspK8s == ComplianceMappings.NetworkSegmentation;
        if (networkPolicy && mapping is null)
        {
            mapping = new ComplianceMappings.Mapping(ComplianceMappings.NetworkSegmentation);
        }

        var description = control.String("description") ?? (hasSummary ? summary.String("description") : null);
        var remediation = control.String("remediation") ?? (hasSummary ? summary.String("remediation") : null);
        var isKubescapeControl = controlId.StartsWith("C-", StringComparison.OrdinalIgnoreCase);
        var url = isKubescapeControl ? "https://hub.armosec.io/docs/" + controlId.ToLowerInvariant() : null;
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = networkPolicy ? FindingCategory.NetworkPolicyMisconfiguration : FindingCategory.KubernetesMisconfiguration,
            Severity = severity,
            Title = control.String("name") ?? (hasSummary ? summary.String("name") : null) ?? controlId,
            Description = ParserSupport.JoinText("\n\n", description, remediation is null ? null : "Remediation: " + remediation, FailedPaths(control)),
            RuleId = controlId,
            ResourceKind = resource.Kind,
            NamespaceName = resource.Namespace,
            ResourceName = resource.Name,
            PrimaryUrl = url,
            References = url is null ? [] : [url],
        }.WithCompliance(mapping);
    }

    /// <summary>The paths the failed rules point at ("failedPath", "fixPath"), so the finding says what to change.</summary>
    private static string? FailedPaths(JsonElement control)
    {
        if (!control.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var lines = new List<string>();
        foreach (var rule in rules.EnumerateArray().Where(r => string.Equals(r.String("status"), "failed", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var (path, _) in rule.Array("paths", ""))
            {
                if (path.String("failedPath") is { } failed)
                {
                    lines.Add("Failed: " + failed);
                }
                if (path.Object("fixPath") is { } fix && fix.String("path") is { } fixPath)
                {
                    lines.Add(fix.String("value") is { } value ? $"Fix: {fixPath} = {value}" : "Fix: " + fixPath);
                }
                if (path.String("deletePath") is { } delete)
                {
                    lines.Add("Delete: " + delete);
                }
            }
        }
        if (lines.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (var line in lines.Distinct(StringComparer.Ordinal))
        {
            text.AppendLine(line);
        }
        return text.ToString().TrimEnd();
    }
}
