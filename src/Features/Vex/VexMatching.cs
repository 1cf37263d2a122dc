namespace K8Posture.Features.Vex;

/// <summary>A package URL split into its parts (percent-decoded); qualifiers and subpath are kept but matching ignores them.</summary>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    public static PackageUrl? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var rest = text[4..].TrimStart('/');
        if (rest.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0)
        {
            rest = rest[..hash];
        }
        var qualifiers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (rest.IndexOf('?', StringComparison.Ordinal) is var question and >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    qualifiers[pair[..equals]] = Uri.UnescapeDataString(pair[(equals + 1)..]);
                }
            }
            rest = rest[..question];
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }
        var type = rest[..slash].ToLowerInvariant();
        var path = rest[(slash + 1)..].Trim('/');
        string? version = null;
        var lastSlash = path.LastIndexOf('/');
        if (path.IndexOf('@', lastSlash + 1) is var at and >= 0)
        {
            version = Uri.UnescapeDataString(path[(at + 1)..]);
            path = path[..at];
        }
        lastSlash = path.LastIndexOf('/');
        var name = Uri.UnescapeDataString(path[(lastSlash + 1)..]);
        var ns = lastSlash > 0 ? Uri.UnescapeDataString(path[..lastSlash]) : null;
        return name.Length == 0 ? null : new PackageUrl(type, ns, name, string.IsNullOrEmpty(version) ? null : version, qualifiers);
    }

    public bool IsImage => Type == "oci" || Type == "docker";
}

/// <summary>What of a finding a VEX product is matched against.</summary>
public sealed record VexFindingFacts(
    string? VulnerabilityId, string? IntelCveId, string? ImageRegistry, string? ImageRepository, string? ImageTag, string? ImageDigest,
    string? Purl, string? PackageName, string? InstalledVersion);

/// <summary>
/// The documented matching rules (docs/vex.md):
/// <list type="bullet">
/// <item>Vulnerability: the statement's name or any alias equals the finding's vulnerability id or its CVE alias (ignoring case).</item>
/// <item>An image product (<c>pkg:oci/name@sha256:…</c>, also <c>pkg:docker</c>) matches the findings of that image digest; without a
/// digest, of that repository (its last path segment, or the <c>repository_url</c> qualifier in full) and, if given, the <c>tag</c> qualifier.</item>
/// <item>Subcomponents narrow an image product to those packages; a finding matches when its package matches one of them.</item>
/// <item>Any other purl is a package: type, namespace and name equal, and the version equal when the purl has one; qualifiers
/// (arch, distro, type=jar…) and subpath are ignored. A finding without a purl is compared by package name and installed version.</item>
/// <item>Anything that is not a purl (a CPE, a bare bom-ref) matches nothing, as does a statement without products.</item>
/// </list>
/// </summary>
public static class VexMatching
{
    public static bool VulnerabilityMatches(string statementId, IReadOnlyCollection<string> aliases, VexFindingFacts finding)
    {
        var id = finding.VulnerabilityId?.Trim();
        var cve = finding.IntelCveId;
        bool Is(string candidate) => string.Equals(candidate, id, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate, cve, StringComparison.OrdinalIgnoreCase);
        return Is(statementId) || aliases.Any(Is);
    }

    public static bool ProductMatches(string productId, IReadOnlyCollection<string> subcomponents, VexFindingFacts finding)
    {
        if (PackageUrl.TryParse(productId) is not { } product)
        {
            return false;
        }
        if (!product.IsImage)
        {
            return PackageMatches(product, finding);
        }
        if (!ImageMatches(product, finding))
        {
            return false;
        }
        return subcomponents.Count == 0 || subcomponents.Any(s => PackageUrl.TryParse(s) is { IsImage: false } package && PackageMatches(package, finding));
    }

    public static bool ImageMatches(PackageUrl image, VexFindingFacts finding)
    {
        if (image.Version is { } digest && digest.Contains(':', StringComparison.Ordinal))
        {
            return finding.ImageDigest is not null && string.Equals(finding.ImageDigest, digest, StringComparison.OrdinalIgnoreCase);
        }
        if (finding.ImageRepository is not { } repository)
        {
            return false;
        }
        var named = image.Qualifiers.TryGetValue("repository_url", out var url)
            ? string.Equals(url.TrimEnd('/'), $"{finding.ImageRegistry}/{repository}", StringComparison.OrdinalIgnoreCase)
                || string.Equals(url.TrimEnd('/'), repository, StringComparison.OrdinalIgnoreCase)
            : string.Equals(repository[(repository.LastIndexOf('/') + 1)..], image.Name, StringComparison.OrdinalIgnoreCase);
        var tag = image.Qualifiers.TryGetValue("tag", out var wanted) ? wanted : image.Version;
        return named && (tag is null || string.Equals(tag, finding.ImageTag, StringComparison.Ordinal));
    }

    public static bool PackageMatches(PackageUrl package, VexFindingFacts finding)
    {
        if (PackageUrl.TryParse(finding.Purl) is { } found)
        {
            return string.Equals(found.Type, package.Type, StringComparison.OrdinalIgnoreCase)
                && string.Equals(found.Namespace ?? "", package.Namespace ?? "", StringComparison.OrdinalIgnoreCase)
                && string.Equals(found.Name, package.Name, StringComparison.OrdinalIgnoreCase)
                && (package.Version is null || string.Equals(found.Version, package.Version, StringComparison.Ordinal));
        }
        if (finding.PackageName is not { } name)
        {
            return false;
        }
        // Scanners name Maven packages group:artifact and scoped npm packages @scope/name.
        var named = string.Equals(name, package.Name, StringComparison.OrdinalIgnoreCase)
            || (package.Namespace is { } ns && (string.Equals(name, $"{ns}:{package.Name}", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, $"{ns}/{package.Name}", StringComparison.OrdinalIgnoreCase)));
        return named && (package.Version is null || string.Equals(finding.InstalledVersion, package.Version, StringComparison.Ordinal));
    }
}
