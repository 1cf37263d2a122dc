using System.Text.RegularExpressions;

namespace K8Posture.Features.Packages;

/// <summary>
/// A version range: the comparator form (<c>&lt;2.17.1</c>, <c>&gt;=2.0.0 &lt;2.17.1</c>, comma or space meaning "and",
/// <c>||</c> meaning "or", a bare version meaning "equal") or the purl-spec <c>vers:&lt;scheme&gt;/&lt;c1&gt;|&lt;c2&gt;…</c> form with its
/// interval semantics. Empty or <c>*</c> matches every version.
/// </summary>
public sealed partial class VersionRange
{
    public enum Op { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

    public sealed record Constraint(Op Op, string Version);

    private readonly IReadOnlyList<IReadOnlyList<Constraint>> _anyOf;
    private readonly IReadOnlyList<Constraint>? _vers;

    private VersionRange(string text, VersionScheme scheme, IReadOnlyList<IReadOnlyList<Constraint>> anyOf, IReadOnlyList<Constraint>? vers)
    {
        Text = text;
        Scheme = scheme;
        _anyOf = anyOf;
        _vers = vers;
    }

    public string Text { get; }
    public VersionScheme Scheme { get; }
    public bool MatchesAll => _vers is null && _anyOf.Count == 0;

    [GeneratedRegex(@"^\s*(<=|>=|!=|==|<|>|=)?\s*([^\s,<>=!|]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Comparator();

    /// <summary>The range, or null with <paramref name="error"/> naming what is wrong; <paramref name="scheme"/> unless a vers: scheme says otherwise.</summary>
    public static VersionRange? Parse(string? text, VersionScheme scheme, out string? error)
    {
        error = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed == "*")
        {
            return new VersionRange(trimmed, scheme, [], null);
        }
        if (trimmed.Length > 500)
        {
            error = "The version range is longer than 500 characters.";
            return null;
        }
        if (trimmed.StartsWith("vers:", StringComparison.OrdinalIgnoreCase))
        {
            return ParseVers(trimmed, out error);
        }
        var groups = new List<IReadOnlyList<Constraint>>();
        foreach (var group in trimmed.Split("||"))
        {
            var constraints = new List<Constraint>();
            var rest = group.Trim();
            while (rest.Length > 0)
            {
                var match = Comparator().Match(rest);
                if (!match.Success)
                {
                    error = $"'{rest}' is not a version comparison; write e.g. <2.17.1, >=2.0.0 <2.17.1 or vers:maven/>=2.0.0|<2.17.1.";
                    return null;
                }
                constraints.Add(new Constraint(ToOp(match.Groups[1].Value), match.Groups[2].Value));
                rest = rest[match.Length..].TrimStart().TrimStart(',').TrimStart();
            }
            if (constraints.Count == 0)
            {
                error = "An alternative of the range (between ||) is empty.";
                return null;
            }
            groups.Add(constraints);
        }
        return new VersionRange(trimmed, scheme, groups, null);
    }

    private static VersionRange? ParseVers(string text, out string? error)
    {
        error = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = "A vers range is vers:<scheme>/<constraints>, e.g. vers:maven/>=2.0.0|<2.17.1.";
            return null;
        }
        var schemeName = text[5..slash].Trim();
        if (VersionOrderings.ForVersScheme(schemeName) is not { } scheme)
        {
            error = $"vers scheme '{schemeName}' is not supported; use semver, npm, golang, cargo, nuget, pypi, maven, deb, rpm or apk.";
            return null;
        }
        var body = text[(slash + 1)..].Trim();
        if (body == "*")
        {
            return new VersionRange(text, scheme, [], null);
        }
        var constraints = new List<Constraint>();
        foreach (var part in body.Split('|', StringSplitOptions.TrimEntries))
        {
            var match = Comparator().Match(part);
            if (part.Length == 0 || !match.Success || match.Length != part.Length || match.Groups[1].Value == "==")
            {
                error = $"'{part}' is not a vers constraint (one of <, <=, >, >=, != or none for equal, then a version).";
                return null;
            }
            constraints.Add(new Constraint(ToOp(match.Groups[1].Value), Uri.UnescapeDataString(match.Groups[2].Value)));
        }
        constraints.Sort((a, b) => VersionOrderings.Compare(scheme, a.Version, b.Version));
        return new VersionRange(text, scheme, [], constraints);
    }

    private static Op ToOp(string op) => op switch
    {
        "" or "=" or "==" => Op.Equal,
        "!=" => Op.NotEqual,
        "<" => Op.Less,
        "<=" => Op.LessOrEqual,
        ">" => Op.Greater,
        _ => Op.GreaterOrEqual,
    };

    public bool Contains(string? version)
    {
        if (MatchesAll)
        {
            return true;
        }
        if (string.IsNullOrWhiteSpace(version))
        {
            return false;
        }
        return _vers is not null ? VersContains(version) : _anyOf.Any(all => all.All(c => Satisfies(c, version)));
    }

    private bool Satisfies(Constraint constraint, string version)
    {
        var order = VersionOrderings.Compare(Scheme, version, constraint.Version);
        return constraint.Op switch
        {
            Op.Equal => order == 0,
            Op.NotEqual => order != 0,
            Op.Less => order < 0,
            Op.LessOrEqual => order <= 0,
            Op.Greater => order > 0,
            _ => order >= 0,
        };
    }

    /// <summary>The purl-spec vers algorithm: equality first, then the sorted comparators taken as adjacent intervals.</summary>
    private bool VersContains(string version)
    {
        foreach (var constraint in _vers!)
        {
            if (constraint.Op == Op.Equal && Satisfies(constraint, version))
            {
                return true;
            }
            if (constraint.Op == Op.NotEqual && !Satisfies(constraint, version))
            {
                return false;
            }
        }
        var ranges = _vers!.Where(c => c.Op is not Op.Equal and not Op.NotEqual).ToList();
        if (ranges.Count == 0)
        {
            return _vers!.All(c => c.Op == Op.NotEqual);
        }
        for (var i = 0; i < ranges.Count; i++)
        {
            var current = ranges[i];
            if (i == 0 && current.Op is Op.Less or Op.LessOrEqual && Satisfies(current, version))
            {
                return true;
            }
            if (i == ranges.Count - 1 && current.Op is Op.Greater or Op.GreaterOrEqual && Satisfies(current, version))
            {
                return true;
            }
            if (i + 1 < ranges.Count && current.Op is Op.Greater or Op.GreaterOrEqual && ranges[i + 1].Op is Op.Less or Op.LessOrEqual
                && Satisfies(current, version) && Satisfies(ranges[i + 1], version))
            {
                return true;
            }
        }
        return false;
    }
}
