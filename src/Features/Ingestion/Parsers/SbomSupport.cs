using K8Posture.Shared;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>What the CycloneDX and SPDX parsers share: the image an SBOM describes, and the tool that wrote it.</summary>
internal static class SbomSupport
{
    /// <summary>
    /// The image an <c>oci</c> purl names: <c>repository_url</c> (else the name on Docker Hub) with the purl's version as the
    /// manifest digest and the <c>tag</c> qualifier as the tag.
    /// </summary>
    public static ImageReference? FromOciPurl(string? purl)
    {
        if (!PackageUrl.TryParse(purl, out var parsed) || parsed.Type != "oci")
        {
            return null;
        }
        var repository = parsed.Qualifiers.GetValueOrDefault("repository_url") ?? parsed.Name;
        var image = ImageReference.TryParse(repository);
        if (image is null)
        {
            return null;
        }
        var digest = parsed.Version is { } v && v.Contains(':', StringComparison.Ordinal) ? v : null;
        return image with { Digest = digest ?? image.Digest, Tag = parsed.Qualifiers.GetValueOrDefault("tag") ?? image.Tag };
    }

    /// <summary>
    /// The image, trying references in order (a tag reference, the oci purl, the subject's name); the digest from the first
    /// repo digest ("repo@sha256:…") of the same repository, else of any.
    /// </summary>
    public static ImageReference? ResolveImage(IEnumerable<string?> references, ImageReference? fromPurl, IEnumerable<string?> repoDigests)
    {
        var image = ParserSupport.ResolveImage(references, repoDigests);
        if (fromPurl is null)
        {
            return image;
        }
        if (image is null)
        {
            return fromPurl;
        }
        return image.FullRepository == fromPurl.FullRepository || image.Digest is null
            ? image with { Digest = image.Digest ?? fromPurl.Digest, Tag = image.Tag ?? fromPurl.Tag }
            : image;
    }

    /// <summary>"trivy" from "Tool: trivy-0.58.0" or a CycloneDX tool named trivy; lower-case, version dropped.</summary>
    public static string? ToolName(string? tool)
    {
        if (string.IsNullOrWhiteSpace(tool))
        {
            return null;
        }
        var name = tool.Trim();
        var dash = name.LastIndexOf('-');
        if (dash > 0 && dash + 1 < name.Length && char.IsAsciiDigit(name[dash + 1]))
        {
            name = name[..dash];
        }
        name = new string(name.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        return name.Length == 0 ? null : name;
    }
}
