using System.Text.Json;
using K8Posture.Shared;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// SPDX 2.3 JSON documents (2.2 reads the same): the package the document DESCRIBES (<c>documentDescribes</c> or a
/// DESCRIBES relationship) is the subject (an image by its <c>oci</c> purl, Trivy's RepoDigest/RepoTag annotations or its
/// name); every other package is a component, with its purl from <c>externalRefs</c> (referenceType purl), version from
/// <c>versionInfo</c>, licence from <c>licenseConcluded</c>, else <c>licenseDeclared</c> (NOASSERTION and NONE mean
/// unknown) and type from <c>primaryPackagePurpose</c>. An SPDX document carries no vulnerabilities: its push closes nothing.
/// </summary>
public sealed class SpdxJsonParser : IScanParser
{
    public const string FormatName = "spdx-json";

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["spdx"];
    public string SourceTool => "spdx";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (_, strings) = ParserSupport.TopLevel(payload);
        return strings.TryGetValue("spdxVersion", out var version) && version.StartsWith("SPDX-2.", StringComparison.Ordinal);
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "SPDX JSON");
        var root = ParserSupport.RequireRootObject(document, "SPDX JSON");
        var version = root.String("spdxVersion");
        if (version is null || !version.StartsWith("SPDX-2.", StringComparison.Ordinal))
        {
            throw new ScanParseException($"spdxVersion {version ?? "(missing)"} is not SPDX 2.x (this service reads SPDX-2.3 JSON).", "/spdxVersion");
        }
        var documentId = root.String("SPDXID") ?? "SPDXRef-DOCUMENT";
        var described = root.Strings("documentDescribes").ToHashSet(StringComparer.Ordinal);
        foreach (var (relationship, _) in root.Array("relationships", ""))
        {
            if (relationship.String("relationshipType") == "DESCRIBES" && relationship.String("spdxElementId") == documentId
                && relationship.String("relatedSpdxElement") is { } target)
            {
                described.Add(target);
            }
        }

        JsonElement? subject = null;
        var components = new List<SbomComponent>();
        foreach (var (package, pointer) in root.Array("packages", ""))
        {
            ParserSupport.RequireObject(package, pointer, "package");
            var id = package.String("SPDXID");
            if (subject is null && id is not null && described.Contains(id))
            {
                subject = package;
                continue;
            }
            var name = package.String("name")
                ?? throw new ScanParseException($"The package at {pointer} has no name (SPDX requires one).", pointer + "/name");
            components.Add(new SbomComponent(Purl(package, pointer), name, package.String("versionInfo"),
                Licence(package.String("licenseConcluded")) ?? Licence(package.String("licenseDeclared")),
                package.String("primaryPackagePurpose")?.ToLowerInvariant().Replace('_', '-')));
        }

        var subjectName = subject?.String("name") ?? root.String("name");
        var annotations = subject is { } s
            ? s.Array("annotations", "").Select(a => a.Item.String("comment")).OfType<string>().ToList()
            : [];
        var subjectPurl = subject is { } p ? Purl(p, "") : null;
        var purpose = subject?.String("primaryPackagePurpose");
        ImageReference? image = null;
        if (purpose is null or "CONTAINER" || SbomSupport.FromOciPurl(subjectPurl) is not null)
        {
            image = SbomSupport.ResolveImage(
                Annotation(annotations, "RepoTag").Append(subjectName),
                SbomSupport.FromOciPurl(subjectPurl),
                Annotation(annotations, "RepoDigest"));
        }
        var tool = root.Object("creationInfo")?.Strings("creators")
            .Where(c => c.StartsWith("Tool:", StringComparison.Ordinal)).Select(c => c[5..].Trim()).FirstOrDefault();
        var hint = image is not null
            ? new ScanScopeHint(ScanArtifactKind.ContainerImage, subjectName, image)
            : new ScanScopeHint(subjectName is null ? ScanArtifactKind.Unknown : ScanArtifactKind.Filesystem, subjectName, null);
        var toolName = SbomSupport.ToolName(tool);
        var toolVersion = tool is not null && tool.LastIndexOf('-') is var dash and > 0 ? tool[(dash + 1)..] : null;
        return new ScanParseResult(hint, [], toolVersion)
        {
            SourceTool = toolName is null ? "spdx" : toolName + "-spdx",
            Sbom = new SbomDocument(version, image, subjectName, components),
            Subjects = [],
        };
    }

    /// <summary>The first externalRef of referenceType purl (category PACKAGE-MANAGER, or PACKAGE_MANAGER as SPDX 2.2 wrote it).</summary>
    private static string? Purl(JsonElement package, string pointer) =>
        package.Array("externalRefs", pointer).Select(r => r.Item)
            .Where(r => r.ValueKind == JsonValueKind.Object && r.String("referenceType") == "purl")
            .Select(r => r.String("referenceLocator")).FirstOrDefault(l => l is not null);

    private static string? Licence(string? value) => value is null or "NOASSERTION" or "NONE" ? null : value;

    /// <summary>Trivy's annotations: "RepoDigest: alpine@sha256:…", "RepoTag: alpine:3.15".</summary>
    private static IEnumerable<string?> Annotation(List<string> comments, string name) =>
        comments.Where(c => c.StartsWith(name + ":", StringComparison.Ordinal)).Select(c => c[(name.Length + 1)..].Trim());
}
