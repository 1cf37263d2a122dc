using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Shared;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// CycloneDX JSON BOMs (specVersion 1.x; written to 1.4–1.6 and reading the 1.7 Trivy writes): components (nested ones
/// flattened) with purl, version, licences (<c>license.id</c>, <c>license.name</c> or <c>expression</c>) and type, per the
/// subject in <c>metadata.component</c> (Trivy's RepoDigest/RepoTag properties, an <c>oci</c> purl, or its name). A BOM
/// that carries <c>vulnerabilities</c> yields a finding per affected component (<c>affects[].ref</c> → the component's
/// purl/name/version; severity from the ratings); <c>analysis</c> is not read here. A BOM without a
/// <c>vulnerabilities</c> array says nothing about findings, so its push closes none.
/// </summary>
public sealed partial class CycloneDxParser : IScanParser
{
    public const string FormatName = "cyclonedx-json";

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["cyclonedx", "cdx"];
    public string SourceTool => "cyclonedx";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (_, strings) = ParserSupport.TopLevel(payload);
        return strings.TryGetValue("bomFormat", out var format) && format == "CycloneDX";
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "CycloneDX JSON");
        var root = ParserSupport.RequireRootObject(document, "CycloneDX JSON");
        if (root.String("bomFormat") != "CycloneDX")
        {
            throw new ScanParseException("A CycloneDX BOM has \"bomFormat\": \"CycloneDX\".", "/bomFormat");
        }
        var specVersion = root.String("specVersion");
        if (specVersion is null || !specVersion.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new ScanParseException($"specVersion {specVersion ?? "(missing)"} is not a CycloneDX 1.x version this service reads (1.4–1.6).", "/specVersion");
        }

        var metadata = root.Object("metadata");
        var subject = metadata?.Object("component");
        var tool = SbomSupport.ToolName(ReadToolName(metadata));
        var properties = subject is { } s ? Properties(s) : [];
        var subjectPurl = subject?.String("purl");
        var subjectName = subject?.String("name");
        var subjectType = subject?.String("type");
        ImageReference? image = null;
        if (subjectType is null or "container" || SbomSupport.FromOciPurl(subjectPurl) is not null)
        {
            var named = subjectName is null ? null : subject?.String("version") is { } v && !v.StartsWith("sha256:", StringComparison.Ordinal) ? $"{subjectName}:{v}" : subjectName;
            image = SbomSupport.ResolveImage(
                Values(properties, "aquasecurity:trivy:RepoTag").Concat(Values(properties, "aquasecurity:trivy:Reference")).Append(named),
                SbomSupport.FromOciPurl(subjectPurl),
                Values(properties, "aquasecurity:trivy:RepoDigest"));
        }

        var components = new List<SbomComponent>();
        var byRef = new Dictionary<string, SbomComponent>(StringComparer.Ordinal);
        ReadComponents(root, "", components, byRef);

        var clusterName = subjectType == "platform" && Values(properties, "aquasecurity:trivy:resource:Type").Contains("cluster")
            ? Values(properties, "aquasecurity:trivy:resource:Name").FirstOrDefault() : null;
        var hint = image is not null
            ? new ScanScopeHint(ScanArtifactKind.ContainerImage, subjectName, image)
            : clusterName is not null
                ? new ScanScopeHint(ScanArtifactKind.Cluster, subjectName, null, clusterName)
                : new ScanScopeHint(subjectName is null ? ScanArtifactKind.Unknown : ScanArtifactKind.Filesystem, subjectName, null);

        var hasVulnerabilities = root.TryGetProperty("vulnerabilities", out var vulnerabilities) && vulnerabilities.ValueKind == JsonValueKind.Array;
        var findings = new List<NormalisedFinding>();
        foreach (var (vulnerability, pointer) in root.Array("vulnerabilities", ""))
        {
            findings.AddRange(ReadVulnerability(vulnerability, pointer, byRef, image));
        }
        var sbom = new SbomDocument($"CycloneDX {specVersion}", image, subjectName ?? subjectPurl, components);
        return new ScanParseResult(hint, findings, ReadToolVersion(metadata))
        {
            SourceTool = tool is null ? "cyclonedx" : tool + "-cyclonedx",
            Sbom = sbom,
            // Without a vulnerabilities array the BOM is an inventory, not a scan: it covers no findings, so none close.
            Subjects = hasVulnerabilities ? null : [],
        };
    }

    /// <summary>The components of a BOM object (nested ones flattened), e.g. a Trivy Operator SbomReport's <c>report.components</c>.</summary>
    public static IReadOnlyList<SbomComponent> ReadComponents(JsonElement bom, string pointer)
    {
        var components = new List<SbomComponent>();
        ReadComponents(bom, pointer, components, new Dictionary<string, SbomComponent>(StringComparer.Ordinal));
        return components;
    }

    private static void ReadComponents(JsonElement bom, string pointer, List<SbomComponent> components, Dictionary<string, SbomComponent> byRef)
    {
        foreach (var (component, componentPointer) in bom.Array("components", pointer))
        {
            ReadComponent(component, componentPointer, components, byRef);
        }
    }

    private static void ReadComponent(JsonElement component, string pointer, List<SbomComponent> components, Dictionary<string, SbomComponent> byRef)
    {
        ParserSupport.RequireObject(component, pointer, "component");
        var name = component.String("name")
            ?? throw new ScanParseException($"The component at {pointer} has no name (CycloneDX requires one).", pointer + "/name");
        var group = component.String("group");
        var purl = component.String("purl");
        var read = new SbomComponent(purl, QualifiedName(purl, group, name), component.String("version"), ReadLicences(component, pointer), component.String("type"));
        components.Add(read);
        if (component.String("bom-ref") is { } reference)
        {
            byRef.TryAdd(reference, read);
        }
        if (purl is not null)
        {
            byRef.TryAdd(purl, read);
        }
        foreach (var (nested, nestedPointer) in component.Array("components", pointer))
        {
            ReadComponent(nested, nestedPointer, components, byRef);
        }
    }

    /// <summary>The package name other tools report: Maven "group:artifact", npm "@scope/name"; else the name.</summary>
    private static string QualifiedName(string? purl, string? group, string name)
    {
        if (group is null)
        {
            return name;
        }
        var type = PackageUrl.TryParse(purl, out var parsed) ? parsed.Type : null;
        return type switch
        {
            "maven" => $"{group}:{name}",
            "npm" or "golang" or "composer" => $"{group}/{name}",
            _ => name,
        };
    }

    /// <summary><c>licenses[]</c>: each an object with <c>license.id</c> or <c>license.name</c>, or an <c>expression</c> (Trivy writes both, with an empty <c>license</c>).</summary>
    private static string? ReadLicences(JsonElement component, string pointer)
    {
        var licences = new List<string>();
        foreach (var (entry, _) in component.Array("licenses", pointer))
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var text = (entry.Object("license") is { } licence ? licence.String("id") ?? licence.String("name") : null) ?? entry.String("expression");
            if (text is not null && !licences.Contains(text, StringComparer.Ordinal))
            {
                licences.Add(text);
            }
        }
        return licences.Count == 0 ? null : string.Join(", ", licences);
    }

    private static IEnumerable<NormalisedFinding> ReadVulnerability(JsonElement vulnerability, string pointer, Dictionary<string, SbomComponent> byRef, ImageReference? image)
    {
        ParserSupport.RequireObject(vulnerability, pointer, "vulnerability");
        var id = vulnerability.String("id")
            ?? throw new ScanParseException($"The vulnerability at {pointer} has no id.", pointer + "/id");
        var (severity, score, vector) = ReadRatings(vulnerability, pointer);
        var references = vulnerability.Array("advisories", pointer).Select(a => a.Item.String("url"))
            .Prepend(vulnerability.Object("source")?.String("url"))
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var cwes = vulnerability.Array("cwes", pointer).Select(c => c.Item.Text()).OfType<string>().Select(c => "CWE-" + c).ToList();
        var recommendation = vulnerability.String("recommendation");
        var fixedVersion = recommendation is not null && FixedInRecommendation().Match(recommendation) is { Success: true } fix ? fix.Groups[1].Value.TrimEnd('.') : null;

        foreach (var (affect, affectPointer) in vulnerability.Array("affects", pointer))
        {
            var reference = affect.String("ref")
                ?? throw new ScanParseException($"The entry at {affectPointer} has no ref.", affectPointer + "/ref");
            // A BOM-Link (urn:cdx:serial/version#bom-ref) points into a BOM by its bom-ref.
            var local = reference.StartsWith("urn:cdx:", StringComparison.Ordinal) && reference.IndexOf('#', StringComparison.Ordinal) is var hash and > 0
                ? Uri.UnescapeDataString(reference[(hash + 1)..]) : reference;
            var component = byRef.GetValueOrDefault(local) ?? FromPurl(local);
            var versions = affect.Array("versions", affectPointer).Select(v => v.Item).Where(v => v.ValueKind == JsonValueKind.Object).ToList();
            var affectedVersion = versions.Where(v => v.String("status") is null or "affected").Select(v => v.String("version")).FirstOrDefault(v => v is not null);
            var unaffected = versions.Where(v => v.String("status") == "unaffected").Select(v => v.String("version")).OfType<string>().ToList();
            var installed = component?.Version ?? affectedVersion;
            var packageName = component?.Name;
            yield return new NormalisedFinding
            {
                IdentityKind = FindingIdentityKind.Vulnerability,
                Category = FindingCategory.Vulnerability,
                Severity = severity,
                Title = packageName is null ? id : $"{id} in {packageName}{(installed is null ? "" : " " + installed)}",
                Description = ParserSupport.JoinText("\n\n", vulnerability.String("description"), vulnerability.String("detail")),
                Remediation = recommendation,
                VulnerabilityId = id,
                Cwe = cwes.Count == 0 ? null : string.Join(",", cwes),
                CvssScore = score,
                CvssVector = vector,
                PackageName = packageName,
                PackageType = component?.Purl is { } purl && PackageUrl.TryParse(purl, out var parsed) ? parsed.Type : null,
                Purl = component?.Purl,
                InstalledVersion = installed,
                FixedVersion = fixedVersion ?? (unaffected.Count == 0 ? null : string.Join(", ", unaffected)),
                PrimaryUrl = references.FirstOrDefault(),
                References = references,
            }.WithImage(image);
        }
    }

    [GeneratedRegex(@"to version (\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex FixedInRecommendation();

    private static SbomComponent? FromPurl(string reference) =>
        PackageUrl.TryParse(reference, out var purl) ? new SbomComponent(reference, purl.Name, purl.Version, null, null) : null;

    /// <summary>
    /// Severity: the rating of the vulnerability's own source, else of the highest CVSS v3/v4 rating, else the worst
    /// given. Score and vector: the highest CVSS v3.x rating (NVD's first), else v4, else v2.
    /// </summary>
    private static (FindingSeverity Severity, double? Score, string? Vector) ReadRatings(JsonElement vulnerability, string pointer)
    {
        var ratings = vulnerability.Array("ratings", pointer).Select(r => r.Item).Where(r => r.ValueKind == JsonValueKind.Object)
            .Select(r => (Source: r.Object("source")?.String("name"), Severity: r.String("severity"), Score: r.Number("score"), Method: r.String("method") ?? "", Vector: r.String("vector")))
            .ToList();
        static int MethodRank(string method) => method switch
        {
            "CVSSv31" or "CVSSv3" => 3,
            "CVSSv4" => 2,
            "CVSSv2" => 1,
            _ => 0,
        };
        var best = ratings.Where(r => r.Score is not null && MethodRank(r.Method) > 0)
            .OrderByDescending(r => MethodRank(r.Method)).ThenByDescending(r => r.Source == "nvd").FirstOrDefault();
        var ownSource = vulnerability.Object("source")?.String("name");
        var severityText = ratings.FirstOrDefault(r => ownSource is not null && r.Source == ownSource && r.Severity is not null).Severity
            ?? best.Severity;
        var severity = severityText is not null ? MapSeverity(severityText)
            : best.Score is { } score ? ParserSupport.FromCvssScore(score)
            : ratings.Select(r => MapSeverity(r.Severity)).DefaultIfEmpty(FindingSeverity.Unknown).Max();
        return (severity, best.Score, best.Vector);
    }

    /// <summary>CycloneDX severities: critical, high, medium, low, info, none, unknown.</summary>
    public static FindingSeverity MapSeverity(string? severity) => severity?.Trim().ToLowerInvariant() switch
    {
        "critical" => FindingSeverity.Critical,
        "high" => FindingSeverity.High,
        "medium" => FindingSeverity.Medium,
        "low" => FindingSeverity.Low,
        "info" or "none" => FindingSeverity.Info,
        _ => FindingSeverity.Unknown,
    };

    private static List<(string Name, string Value)> Properties(JsonElement component) =>
        component.Array("properties", "").Select(p => (Name: p.Item.String("name"), Value: p.Item.String("value")))
            .Where(p => p.Name is not null && p.Value is not null).Select(p => (p.Name!, p.Value!)).ToList();

    private static IEnumerable<string> Values(List<(string Name, string Value)> properties, string name) =>
        properties.Where(p => p.Name == name).Select(p => p.Value);

    /// <summary>metadata.tools: an array of tools (1.4) or an object with components/services (1.5+).</summary>
    private static JsonElement? FirstTool(JsonElement? metadata)
    {
        if (metadata is not { } m || !m.TryGetProperty("tools", out var tools))
        {
            return null;
        }
        var list = tools.ValueKind switch
        {
            JsonValueKind.Array => tools.EnumerateArray().ToList(),
            JsonValueKind.Object => tools.Array("components", "").Concat(tools.Array("services", "")).Select(t => t.Item).ToList(),
            _ => [],
        };
        return list.Where(t => t.ValueKind == JsonValueKind.Object).Cast<JsonElement?>().FirstOrDefault();
    }

    private static string? ReadToolName(JsonElement? metadata) => FirstTool(metadata)?.String("name");

    private static string? ReadToolVersion(JsonElement? metadata) => FirstTool(metadata)?.String("version");
}
