using System.Text;

namespace K8Posture.Shared;

/// <summary>
/// A package URL (purl-spec): <c>pkg:type/namespace/name@version?qualifiers#subpath</c>. Type is lower-cased; namespace
/// segments and name are percent-decoded; the namespace and name of types whose registries are case-insensitive
/// (npm, pypi, deb, apk, golang, github, bitbucket, …) are lower-cased as the spec says, so two spellings meet.
/// </summary>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version)
{
    /// <summary>The qualifiers (keys lower-cased, values decoded): repository_url and tag of an oci purl, epoch of an rpm.</summary>
    public IReadOnlyDictionary<string, string> Qualifiers { get; init; } = new Dictionary<string, string>();

    private static readonly HashSet<string> CaseInsensitiveTypes = new(StringComparer.Ordinal)
    {
        "npm", "pypi", "deb", "apk", "alpm", "golang", "github", "bitbucket", "hex", "composer", "luarocks", "pub", "gem",
    };

    /// <summary>The purl without version, qualifiers or subpath: what a component is, whichever version it is.</summary>
    public string PackageKey => Namespace is null ? $"pkg:{Type}/{Name}" : $"pkg:{Type}/{Namespace}/{Name}";

    public static bool TryParse(string? text, out PackageUrl purl)
    {
        purl = null!;
        var parsed = Parse(text, out _);
        if (parsed is null)
        {
            return false;
        }
        purl = parsed;
        return true;
    }

    /// <summary>The parsed purl, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static PackageUrl? Parse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The purl is empty.";
            return null;
        }
        var rest = text.Trim();
        if (!rest.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            error = "A purl starts with 'pkg:' (e.g. pkg:maven/org.apache.logging.log4j/log4j-core).";
            return null;
        }
        rest = rest[4..].TrimStart('/');
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    qualifiers[pair[..equals].ToLowerInvariant()] = Decode(pair[(equals + 1)..]);
                }
            }
            rest = rest[..question];
        }
        string? version = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
        }
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            error = "A purl names at least a type and a name: pkg:<type>/<name> or pkg:<type>/<namespace>/<name>.";
            return null;
        }
        var type = segments[0].ToLowerInvariant();
        if (!type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '+' or '-') || !char.IsAsciiLetterLower(type[0]))
        {
            error = $"'{segments[0]}' is not a purl type (letters, digits, '.', '+' and '-', starting with a letter).";
            return null;
        }
        var lower = CaseInsensitiveTypes.Contains(type);
        var name = Decode(segments[^1]);
        var ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Decode)) : null;
        if (name.Length == 0)
        {
            error = "The purl's name is empty.";
            return null;
        }
        return new PackageUrl(type, lower ? ns?.ToLowerInvariant() : ns, lower ? name.ToLowerInvariant() : name,
            string.IsNullOrEmpty(version) ? null : version) { Qualifiers = qualifiers };
    }

    private static string Decode(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment;
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder(PackageKey);
        if (Version is not null)
        {
            text.Append('@').Append(Version);
        }
        return text.ToString();
    }
}
