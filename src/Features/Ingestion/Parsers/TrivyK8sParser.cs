using System.Text.Json;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// <c>trivy k8s --format json</c> cluster reports: the older layout {ClusterName, Vulnerabilities[], Misconfigurations[]}
/// and the newer {ClusterName, Resources[]}, each entry a Kubernetes object (Namespace, Kind, Name, Metadata[]) with
/// Results[] in Trivy's JSON result shape. Entries without results (summary-only, or an Error) have no findings.
/// Results are read with <see cref="TrivyJsonParser"/>'s rules and tagged with the object, its image and, where the
/// check message names one, its container.
/// </summary>
public sealed class TrivyK8sParser : IScanParser
{
    public const string FormatName = "trivy-k8s";

    private static readonly string[] Sections = ["Resources", "Vulnerabilities", "Misconfigurations"];

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["trivy-kubernetes"];
    public string SourceTool => "trivy";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (names, _) = ParserSupport.TopLevel(payload);
        // Trivy's own JSON has SchemaVersion with ArtifactName/Results; a k8s report has ClusterName and per-object sections.
        return names.Contains("ClusterName") && !names.Contains("Results") && !names.Contains("ArtifactName")
            && (Sections.Any(names.Contains) || names.Count == 1);
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "Trivy Kubernetes JSON");
        var root = ParserSupport.RequireRootObject(document, "Trivy Kubernetes JSON");
        if (!root.TryGetProperty("ClusterName", out _))
        {
            throw new ScanParseException("A trivy k8s report has a 'ClusterName'; this payload has none.", "/ClusterName");
        }
        var clusterName = root.String("ClusterName");

        var findings = new List<NormalisedFinding>();
        foreach (var section in Sections)
        {
            foreach (var (resource, pointer) in root.Array(section, ""))
            {
                ParserSupport.RequireObject(resource, pointer, $"entry of '{section}'");
                ReadResource(resource, pointer, findings);
            }
        }
        var hint = new ScanScopeHint(ScanArtifactKind.Cluster, clusterName, null, clusterName);
        return new ScanParseResult(hint, findings, root.Object("Trivy")?.String("Version"));
    }

    private static void ReadResource(JsonElement resource, string pointer, List<NormalisedFinding> findings)
    {
        var ns = resource.String("Namespace");
        var kind = resource.String("Kind");
        var name = resource.String("Name");
        var metadata = resource.Array("Metadata", pointer).Select(m => m.Item).Where(m => m.ValueKind == JsonValueKind.Object).ToList();

        // Trivy scans an object's images one after the other: the OS result names the image ("repo:tag (debian 10.4)"),
        // and the language-package results after it belong to the same image.
        ImageReference? current = metadata.Count == 1 ? ImageFromMetadata(metadata[0], null) : null;
        foreach (var (result, resultPointer) in resource.Array("Results", pointer))
        {
            ParserSupport.RequireObject(result, resultPointer, "entry of 'Results'");
            var target = result.String("Target");
            var resultType = result.String("Type");
            if (ImageFromTarget(result) is { } named)
            {
                current = named.Digest is null
                    ? metadata.Select(m => ImageFromMetadata(m, named)).FirstOrDefault(i => i is not null) ?? named
                    : named;
            }
            foreach (var (item, itemPointer) in result.Array("Vulnerabilities", resultPointer))
            {
                findings.Add(TrivyJsonParser.ReadVulnerability(item, itemPointer, target, resultType, current) with
                {
                    NamespaceName = ns,
                    ResourceKind = kind,
                    ResourceName = name,
                });
            }
            foreach (var (item, itemPointer) in result.Array("Misconfigurations", resultPointer))
            {
                if (TrivyJsonParser.ReadMisconfiguration(item, itemPointer, target, resultType, null) is { } finding)
                {
                    findings.Add(finding with
                    {
                        NamespaceName = ns,
                        ResourceKind = kind ?? finding.ResourceKind,
                        ResourceName = name ?? finding.ResourceName,
                        Container = TrivyResources.FromMessage(item.String("Message"))?.Container,
                    });
                }
            }
            foreach (var (item, itemPointer) in result.Array("Secrets", resultPointer))
            {
                findings.Add(TrivyJsonParser.ReadSecret(item, itemPointer, target, current) with
                {
                    NamespaceName = ns,
                    ResourceKind = kind,
                    ResourceName = name,
                });
            }
        }
    }

    /// <summary>The image an OS-package result names in its Target ("gcr.io/x/app:v2 (debian 10.4)"); null for files and objects.</summary>
    private static ImageReference? ImageFromTarget(JsonElement result)
    {
        var target = result.String("Target");
        if (target is null)
        {
            return null;
        }
        var paren = target.IndexOf(" (", StringComparison.Ordinal);
        var isImage = paren > 0 || string.Equals(result.String("Class"), "os-pkgs", StringComparison.OrdinalIgnoreCase);
        return isImage ? ImageReference.TryParse(paren > 0 ? target[..paren] : target) : null;
    }

    /// <summary>
    /// The image a Metadata entry (RepoTags, RepoDigests) describes; with <paramref name="named"/>, only when it is that
    /// image, to add its digest.
    /// </summary>
    private static ImageReference? ImageFromMetadata(JsonElement metadata, ImageReference? named)
    {
        var tags = metadata.Strings("RepoTags");
        var digests = metadata.Strings("RepoDigests");
        if (named is null)
        {
            return ParserSupport.ResolveImage(tags.Concat(digests), digests);
        }
        var digest = digests.Select(ImageReference.TryParse).OfType<ImageReference>()
            .FirstOrDefault(d => d.FullRepository == named.FullRepository && d.Digest is not null)?.Digest;
        return digest is null ? null : named with { Digest = digest };
    }
}
