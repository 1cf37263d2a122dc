using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Grype's JSON report (schemas from 0.24 to current): matches[].vulnerability / relatedVulnerabilities / artifact,
/// source.target for the image or directory scanned, descriptor.version for the tool version.
/// A match without a severity is kept as Unknown, never dropped.
/// </summary>
public sealed class GrypeJsonParser : IScanParser
{
    public const string FormatName = "grype-json";

    private static readonly string[] GrypeSections = ["descriptor", "source", "distro"];

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["grype"];
    public string SourceTool => "grype";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (names, _) = ParserSupport.TopLevel(payload);
        if (!names.Contains("matches") || names.Contains("SchemaVersion") || names.Contains("runs"))
        {
            return false;
        }
        if (GrypeSections.Any(names.Contains))
        {
            return true;
        }
        // "matches" comes first and may outgrow the sniffed head before the other sections appear: look at what a match holds.
        var head = payload.Length > 64 * 1024 ? payload[..(64 * 1024)] : payload;
        return head.IndexOf("\"vulnerability\""u8) >= 0 && head.IndexOf("\"artifact\""u8) >= 0;
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "Grype JSON");
        var root = ParserSupport.RequireRootObject(document, "Grype JSON");
        if (!root.TryGetProperty("matches", out _))
        {
            throw new ScanParseException("A Grype JSON report has a 'matches' array; this payload has none.", "/matches");
        }
        var hint = ReadScopeHint(root.Object("source"));
        var findings = new List<NormalisedFinding>();
        foreach (var (match, pointer) in root.Array("matches", ""))
        {
            findings.Add(ReadMatch(match, pointer, hint.Image));
        }
        return new ScanParseResult(hint, findings, root.Object("descriptor")?.String("version"));
    }

    private static NormalisedFinding ReadMatch(JsonElement match, string pointer, ImageReference? image)
    {
        ParserSupport.RequireObject(match, pointer, "entry of 'matches'");
        var vulnerability = match.Object("vulnerability")
            ?? throw new ScanParseException($"The match at {pointer} has no 'vulnerability' object.", pointer + "/vulnerability");
        var id = vulnerability.String("id")
            ?? throw new ScanParseException($"The vulnerability at {pointer}/vulnerability has no id.", pointer + "/vulnerability/id");

        var related = match.Array("relatedVulnerabilities", pointer)
            .Select(r => r.Item)
            .Where(r => r.ValueKind == JsonValueKind.Object)
            .ToList();
        var cveAliases = related.Select(r => r.String("id")).OfType<string>()
            .Where(r => r.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        // Key the finding by its CVE where the primary id is a GHSA or distro advisory with exactly one CVE behind it,
        // so the same vulnerability reported by Trivy (which prefers CVE ids) is the same finding.
        var vulnerabilityId = !id.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) && cveAliases.Count == 1 ? cveAliases[0] : id;

        var artifact = match.Object("artifact");
        var packageName = artifact?.String("name");
        var installed = artifact?.String("version");
        var location = artifact is { } a ? a.Array("locations", pointer + "/artifact").Select(l => l.Item.String("path")).FirstOrDefault(p => p is not null) : null;

        var fix = vulnerability.Object("fix");
        var fixVersions = fix?.Strings("versions") ?? [];
        var fixState = fix?.String("state");

        var (score, vector) = ReadCvss(vulnerability, related);
        var description = vulnerability.String("description") ?? related.Select(r => r.String("description")).FirstOrDefault(d => d is not null);
        var references = vulnerability.Strings("urls")
            .Concat(related.SelectMany(r => r.Strings("urls")))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var dataSource = vulnerability.String("dataSource");
        var cwes = ReadCwes(vulnerability).Concat(related.SelectMany(ReadCwes)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var title = new StringBuilder(id);
        if (!string.Equals(vulnerabilityId, id, StringComparison.OrdinalIgnoreCase))
        {
            title.Append(" (").Append(vulnerabilityId).Append(')');
        }
        if (packageName is not null)
        {
            title.Append(" in ").Append(packageName);
            if (installed is not null)
            {
                title.Append(' ').Append(installed);
            }
        }

        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Vulnerability,
            Category = FindingCategory.Vulnerability,
            Severity = MapSeverity(vulnerability.String("severity")),
            Title = title.ToString(),
            Description = ParserSupport.JoinText("\n\n", description,
                fixState is null ? null : $"Fix state: {fixState}{(fixVersions.Count == 0 ? "" : " (" + string.Join(", ", fixVersions) + ")")}."),
            VulnerabilityId = vulnerabilityId,
            Cwe = cwes.Count == 0 ? null : string.Join(",", cwes),
            CvssScore = score,
            CvssVector = vector,
            Epss = ReadEpss(vulnerability, vulnerabilityId),
            PackageName = packageName,
            PackageType = artifact?.String("type"),
            Purl = artifact?.String("purl"),
            InstalledVersion = installed,
            FixedVersion = fixVersions.Count == 0 ? null : string.Join(", ", fixVersions),
            PrimaryUrl = dataSource ?? references.FirstOrDefault(),
            References = references,
            Target = location,
        }.WithImage(image);
    }

    /// <summary>Grype's severities: Critical, High, Medium, Low, Negligible, Unknown (and nothing at all on some matches).</summary>
    public static FindingSeverity MapSeverity(string? severity) => TrivyJsonParser.MapSeverity(severity);

    /// <summary>The highest CVSS 3.x of the vulnerability, else of its related records; v4 or v2 only when no 3.x is given.</summary>
    internal static (double? Score, string? Vector) ReadCvss(JsonElement vulnerability, IReadOnlyList<JsonElement> related)
    {
        var sources = new[] { vulnerability }.Concat(related);
        var all = sources
            .SelectMany(s => s.TryGetProperty("cvss", out var cvss) && cvss.ValueKind == JsonValueKind.Array ? cvss.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(c => c.ValueKind == JsonValueKind.Object)
            .Select(c => (Version: ParseVersion(c.String("version")), Score: c.Object("metrics")?.Number("baseScore"), Vector: c.String("vector")))
            .Where(c => c.Score is not null)
            .ToList();
        // Stable ordering: within the same version the first listed (the vulnerability's own, NVD's "Primary") wins.
        var best = all.Where(c => c.Version is >= 3 and < 4).OrderByDescending(c => c.Version).FirstOrDefault();
        if (best.Score is null)
        {
            best = all.OrderByDescending(c => c.Version is >= 4 ? 2 : c.Version is >= 2 ? 1 : 0).FirstOrDefault();
        }
        return (best.Score, best.Vector);
    }

    private static double? ParseVersion(string? version) =>
        double.TryParse(version, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static double? ReadEpss(JsonElement vulnerability, string vulnerabilityId)
    {
        if (!vulnerability.TryGetProperty("epss", out var epss) || epss.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var entries = epss.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object && e.Number("epss") is not null).ToList();
        var entry = entries.FirstOrDefault(e => string.Equals(e.String("cve"), vulnerabilityId, StringComparison.OrdinalIgnoreCase));
        if (entry.ValueKind != JsonValueKind.Object)
        {
            entry = entries.FirstOrDefault();
        }
        return entry.ValueKind == JsonValueKind.Object ? entry.Number("epss") : null;
    }

    /// <summary>"cwes" as strings or as objects with a "cwe" property (newer schemas).</summary>
    private static IEnumerable<string> ReadCwes(JsonElement vulnerability)
    {
        if (!vulnerability.TryGetProperty("cwes", out var cwes) || cwes.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        foreach (var cwe in cwes.EnumerateArray())
        {
            var value = cwe.ValueKind switch
            {
                JsonValueKind.String => cwe.GetString(),
                JsonValueKind.Object => cwe.String("cwe"),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(value))
            {
                yield return value.Trim();
            }
        }
    }

    private static ScanScopeHint ReadScopeHint(JsonElement? source)
    {
        if (source is not { } s)
        {
            return new ScanScopeHint(ScanArtifactKind.Unknown, null, null);
        }
        var type = s.String("type")?.ToLowerInvariant();
        s.TryGetProperty("target", out var target);
        var targetText = target.ValueKind == JsonValueKind.String ? target.GetString() : null;
        switch (type)
        {
            case "image":
                var userInput = target.String("userInput") ?? targetText;
                var tags = target.Strings("tags");
                var repoDigests = target.Strings("repoDigests");
                var image = ParserSupport.ResolveImage([userInput, .. tags, .. repoDigests], repoDigests);
                if (image is { Digest: null } && target.String("manifestDigest") is { } manifestDigest)
                {
                    image = image with { Digest = manifestDigest };
                }
                return new ScanScopeHint(image is null ? ScanArtifactKind.Unknown : ScanArtifactKind.ContainerImage, userInput ?? tags.FirstOrDefault(), image);
            case "directory" or "file":
                var path = targetText ?? target.String("path") ?? target.String("userInput");
                return new ScanScopeHint(ScanArtifactKind.Filesystem, path, null);
            default:
                return new ScanScopeHint(ScanArtifactKind.Unknown, targetText ?? target.String("userInput") ?? target.String("path") ?? target.String("name"), null);
        }
    }
}
