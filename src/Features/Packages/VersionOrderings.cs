using System.Numerics;

namespace K8Posture.Features.Packages;

/// <summary>The version orderings a range can be judged by; chosen from the purl type (or a <c>vers:</c> scheme).</summary>
public enum VersionScheme { Semver, Maven, Debian, Rpm }

/// <summary>
/// Compares two versions of one ecosystem. Every ordering is total and tolerant: a version that does not follow its
/// scheme's grammar still sorts somewhere (scanners report what they find), it is never an error.
/// </summary>
public static class VersionOrderings
{
    /// <summary>
    /// npm, golang, cargo, nuget, pypi, gem, composer and anything unknown: semver (loose); maven: Maven's
    /// ComparableVersion; deb: dpkg; rpm, and apk and alpm as an approximation: rpmvercmp.
    /// </summary>
    public static VersionScheme ForPurlType(string type) => type switch
    {
        "maven" => VersionScheme.Maven,
        "deb" => VersionScheme.Debian,
        "rpm" or "apk" or "alpm" => VersionScheme.Rpm,
        _ => VersionScheme.Semver,
    };

    /// <summary>The scheme of a <c>vers:</c> versioning scheme name, or null when it is not one this service knows.</summary>
    public static VersionScheme? ForVersScheme(string scheme) => scheme.ToLowerInvariant() switch
    {
        "semver" or "npm" or "golang" or "cargo" or "nuget" or "generic" or "pypi" or "gem" or "composer" or "github" or "hex" or "pub" => VersionScheme.Semver,
        "maven" => VersionScheme.Maven,
        "deb" or "debian" => VersionScheme.Debian,
        "rpm" or "apk" or "alpine" or "alpm" => VersionScheme.Rpm,
        _ => null,
    };

    public static int Compare(VersionScheme scheme, string left, string right) => scheme switch
    {
        VersionScheme.Maven => MavenVersion.Compare(left, right),
        VersionScheme.Debian => DpkgVersion.Compare(left, right),
        VersionScheme.Rpm => RpmVersion.Compare(left, right),
        _ => SemverVersion.Compare(left, right),
    };
}

/// <summary>
/// Semantic Versioning 2.0 precedence, loosely: a leading "v" and build metadata are ignored, missing parts are 0, a
/// pre-release sorts before its release (identifiers: numeric &lt; alphanumeric, numbers by value), and non-numeric core
/// parts compare as text so "1.2.3.4" or "2.0.5a" still order.
/// </summary>
public static class SemverVersion
{
    public static int Compare(string left, string right)
    {
        var (leftCore, leftPre) = Split(left);
        var (rightCore, rightPre) = Split(right);
        var parts = Math.Max(leftCore.Length, rightCore.Length);
        for (var i = 0; i < parts; i++)
        {
            var result = CompareIdentifier(i < leftCore.Length ? leftCore[i] : "0", i < rightCore.Length ? rightCore[i] : "0");
            if (result != 0)
            {
                return result;
            }
        }
        if (leftPre is null || rightPre is null)
        {
            return leftPre is null ? (rightPre is null ? 0 : 1) : -1;
        }
        var l = leftPre.Split('.');
        var r = rightPre.Split('.');
        for (var i = 0; i < Math.Min(l.Length, r.Length); i++)
        {
            var result = CompareIdentifier(l[i], r[i]);
            if (result != 0)
            {
                return result;
            }
        }
        return l.Length.CompareTo(r.Length);
    }

    private static (string[] Core, string? PreRelease) Split(string version)
    {
        var text = version.Trim();
        if (text.Length > 1 && text[0] is 'v' or 'V' && char.IsAsciiDigit(text[1]))
        {
            text = text[1..];
        }
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            text = text[..plus];
        }
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash >= 0 ? (text[..dash].Split('.'), text[(dash + 1)..]) : (text.Split('.'), null);
    }

    /// <summary>Numbers by value and before text; text by ordinal.</summary>
    private static int CompareIdentifier(string left, string right)
    {
        var leftNumber = IsNumber(left);
        var rightNumber = IsNumber(right);
        if (leftNumber && rightNumber)
        {
            return BigInteger.Parse(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(BigInteger.Parse(right, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (leftNumber != rightNumber)
        {
            return leftNumber ? -1 : 1;
        }
        return Math.Sign(string.CompareOrdinal(left, right));
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}

/// <summary>
/// Maven's ComparableVersion (maven-artifact 3.x): items split at '.', '-' and digit/letter transitions; trailing zeros
/// and release qualifiers dropped; qualifiers alpha &lt; beta &lt; milestone &lt; rc = cr &lt; snapshot &lt; release = ga = final
/// = "" &lt; sp &lt; anything else (by text); a, b, m directly before a digit mean alpha, beta, milestone.
/// So 1.0-alpha &lt; 1.0, 1.0.0 = 1 = 1.0-ga, 1.0-SNAPSHOT &lt; 1.0 &lt; 1.0-sp &lt; 1.0.1.
/// </summary>
public static class MavenVersion
{
    private static readonly string[] Qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    private static readonly string ReleaseIndex = "5";

    private abstract class Item
    {
        public abstract bool IsNull { get; }
        public abstract int CompareTo(Item? other);
    }

    private sealed class IntItem(BigInteger value) : Item
    {
        public BigInteger Value { get; } = value;
        public override bool IsNull => Value.IsZero;
        public override int CompareTo(Item? other) => other switch
        {
            null => Value.IsZero ? 0 : 1,
            IntItem i => Value.CompareTo(i.Value),
            _ => 1,
        };
    }

    private sealed class StringItem : Item
    {
        public StringItem(string value, bool followedByDigit)
        {
            if (followedByDigit && value.Length == 1)
            {
                value = value[0] switch { 'a' => "alpha", 'b' => "beta", 'm' => "milestone", _ => value };
            }
            Value = value switch { "ga" or "final" or "release" => "", "cr" => "rc", _ => value };
        }

        public string Value { get; }
        public override bool IsNull => Comparable(Value) == ReleaseIndex;

        public override int CompareTo(Item? other) => other switch
        {
            null => Math.Sign(string.CompareOrdinal(Comparable(Value), ReleaseIndex)),
            IntItem => -1,
            StringItem s => Math.Sign(string.CompareOrdinal(Comparable(Value), Comparable(s.Value))),
            _ => -1,
        };

        private static string Comparable(string qualifier)
        {
            var index = Array.IndexOf(Qualifiers, qualifier);
            return index >= 0 ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : Qualifiers.Length + "-" + qualifier;
        }
    }

    private sealed class ListItem : Item
    {
        public List<Item> Items { get; } = [];
        public override bool IsNull => Items.Count == 0;

        public void Normalize()
        {
            for (var i = Items.Count - 1; i >= 0; i--)
            {
                if (Items[i].IsNull)
                {
                    Items.RemoveAt(i);
                }
                else if (Items[i] is not ListItem)
                {
                    break;
                }
            }
        }

        public override int CompareTo(Item? other)
        {
            switch (other)
            {
                case null:
                    return Items.Count == 0 ? 0 : Items[0].CompareTo(null);
                case IntItem:
                    return -1;
                case StringItem:
                    return 1;
            }
            var right = ((ListItem)other).Items;
            for (var i = 0; i < Math.Max(Items.Count, right.Count); i++)
            {
                var l = i < Items.Count ? Items[i] : null;
                var r = i < right.Count ? right[i] : null;
                var result = l is null ? (r is null ? 0 : -r.CompareTo(l)) : l.CompareTo(r);
                if (result != 0)
                {
                    return result;
                }
            }
            return 0;
        }
    }

    public static int Compare(string left, string right) => Math.Sign(Parse(left).CompareTo(Parse(right)));

    private static ListItem Parse(string version)
    {
        var text = version.Trim().ToLowerInvariant();
        var root = new ListItem();
        var list = root;
        var stack = new Stack<ListItem>();
        stack.Push(list);
        var isDigit = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                list.Items.Add(i == start ? new IntItem(BigInteger.Zero) : ParseItem(isDigit, text[start..i]));
                start = i + 1;
            }
            else if (c == '-')
            {
                list.Items.Add(i == start ? new IntItem(BigInteger.Zero) : ParseItem(isDigit, text[start..i]));
                start = i + 1;
                list = Push(list, stack);
            }
            else if (char.IsAsciiDigit(c))
            {
                if (!isDigit && i > start)
                {
                    // "1.0.0.X1" < "1.0.0-X2": a qualifier followed by a digit starts a new sub-list, as '-' does.
                    list.Items.Add(new StringItem(text[start..i], followedByDigit: true));
                    start = i;
                    list = Push(list, stack);
                }
                isDigit = true;
            }
            else
            {
                if (isDigit && i > start)
                {
                    list.Items.Add(ParseItem(true, text[start..i]));
                    start = i;
                    list = Push(list, stack);
                }
                isDigit = false;
            }
        }
        if (text.Length > start)
        {
            list.Items.Add(ParseItem(isDigit, text[start..]));
        }
        while (stack.Count > 0)
        {
            stack.Pop().Normalize();
        }
        return root;
    }

    private static ListItem Push(ListItem list, Stack<ListItem> stack)
    {
        var child = new ListItem();
        list.Items.Add(child);
        stack.Push(child);
        return child;
    }

    private static Item ParseItem(bool isDigit, string buffer) =>
        isDigit ? new IntItem(BigInteger.Parse(buffer, System.Globalization.CultureInfo.InvariantCulture)) : new StringItem(buffer, followedByDigit: false);
}

/// <summary>
/// dpkg's ordering (deb-version(7)): [epoch:]upstream[-revision]; epochs by number, then upstream and revision by
/// verrevcmp: runs of non-digits compare letter by letter with '~' before everything (even the end) and letters before
/// other characters, runs of digits by value. So 1.0~rc1 &lt; 1.0 &lt; 1.0+b1 and 1:0.9 &gt; 2.0.
/// </summary>
public static class DpkgVersion
{
    public static int Compare(string left, string right)
    {
        var (le, lu, lr) = Split(left);
        var (re, ru, rr) = Split(right);
        var result = le.CompareTo(re);
        if (result == 0)
        {
            result = VerRevCmp(lu, ru);
        }
        if (result == 0)
        {
            result = VerRevCmp(lr, rr);
        }
        return Math.Sign(result);
    }

    private static (BigInteger Epoch, string Upstream, string Revision) Split(string version)
    {
        var text = version.Trim();
        var epoch = BigInteger.Zero;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon].All(char.IsAsciiDigit))
        {
            epoch = BigInteger.Parse(text[..colon], System.Globalization.CultureInfo.InvariantCulture);
            text = text[(colon + 1)..];
        }
        var dash = text.LastIndexOf('-');
        return dash >= 0 ? (epoch, text[..dash], text[(dash + 1)..]) : (epoch, text, "");
    }

    private static int Order(char c) => c switch
    {
        '\0' => 0,
        _ when char.IsAsciiDigit(c) => 0,
        _ when char.IsAsciiLetter(c) => c,
        '~' => -1,
        _ => c + 256,
    };

    private static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        static char At(string s, int k) => k < s.Length ? s[k] : '\0';
        while (i < a.Length || j < b.Length)
        {
            var firstDiff = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = Order(At(a, i));
                var bc = Order(At(b, j));
                if (ac != bc)
                {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (At(a, i) == '0')
            {
                i++;
            }
            while (At(b, j) == '0')
            {
                j++;
            }
            while (char.IsAsciiDigit(At(a, i)) && char.IsAsciiDigit(At(b, j)))
            {
                if (firstDiff == 0)
                {
                    firstDiff = At(a, i) - At(b, j);
                }
                i++;
                j++;
            }
            if (char.IsAsciiDigit(At(a, i)))
            {
                return 1;
            }
            if (char.IsAsciiDigit(At(b, j)))
            {
                return -1;
            }
            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }
        return 0;
    }
}

/// <summary>
/// RPM's ordering: [epoch:]version[-release], epochs by number, version and release by rpmvercmp: alphanumeric segments
/// (separators ignored), numbers by value and newer than letters, '~' before everything (even the end), '^' after the
/// end but before anything else. So 1.0a &gt; 1.0, 1.0~rc1 &lt; 1.0 &lt; 1.0^git1 &lt; 1.0.1. apk (Alpine) versions are
/// ordered the same way: close, not identical, to apk's own rules (apk's _rc/_p suffixes are not special-cased).
/// </summary>
public static class RpmVersion
{
    public static int Compare(string left, string right)
    {
        var (le, lv, lr) = Split(left);
        var (re, rv, rr) = Split(right);
        var result = le.CompareTo(re);
        if (result == 0)
        {
            result = RpmVerCmp(lv, rv);
        }
        if (result == 0 && lr is not null && rr is not null)
        {
            result = RpmVerCmp(lr, rr);
        }
        return Math.Sign(result);
    }

    private static (BigInteger Epoch, string Version, string? Release) Split(string evr)
    {
        var text = evr.Trim();
        var epoch = BigInteger.Zero;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon].All(char.IsAsciiDigit))
        {
            epoch = BigInteger.Parse(text[..colon], System.Globalization.CultureInfo.InvariantCulture);
            text = text[(colon + 1)..];
        }
        var dash = text.LastIndexOf('-');
        return dash >= 0 ? (epoch, text[..dash], text[(dash + 1)..]) : (epoch, text, null);
    }

    public static int RpmVerCmp(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }
        int i = 0, j = 0;
        static char At(string s, int k) => k < s.Length ? s[k] : '\0';
        static bool Separator(char c) => c != '\0' && !char.IsAsciiLetterOrDigit(c) && c != '~' && c != '^';
        while (i < a.Length || j < b.Length)
        {
            while (Separator(At(a, i)))
            {
                i++;
            }
            while (Separator(At(b, j)))
            {
                j++;
            }
            char x = At(a, i), y = At(b, j);
            if (x == '~' || y == '~')
            {
                if (x != '~')
                {
                    return 1;
                }
                if (y != '~')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (x == '^' || y == '^')
            {
                if (x == '\0')
                {
                    return -1;
                }
                if (y == '\0')
                {
                    return 1;
                }
                if (x != '^')
                {
                    return 1;
                }
                if (y != '^')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (x == '\0' || y == '\0')
            {
                break;
            }
            var numeric = char.IsAsciiDigit(x);
            Func<char, bool> sameKind = numeric ? char.IsAsciiDigit : char.IsAsciiLetter;
            var si = i;
            var sj = j;
            while (sameKind(At(a, i)))
            {
                i++;
            }
            while (sameKind(At(b, j)))
            {
                j++;
            }
            if (sj == j)
            {
                // One segment is a number, the other letters: the number is newer.
                return numeric ? 1 : -1;
            }
            var left = a[si..i];
            var right = b[sj..j];
            if (numeric)
            {
                left = left.TrimStart('0');
                right = right.TrimStart('0');
                if (left.Length != right.Length)
                {
                    return left.Length > right.Length ? 1 : -1;
                }
            }
            var result = string.CompareOrdinal(left, right);
            if (result != 0)
            {
                return result < 0 ? -1 : 1;
            }
        }
        if (i >= a.Length && j >= b.Length)
        {
            return 0;
        }
        return i < a.Length ? 1 : -1;
    }
}
