using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace K8Posture.UnitTests.Docs;

/// <summary>A configuration key the code reads, and where (file:line, how).</summary>
public sealed record ConfigurationKeyRead(string Key, string Where);

/// <summary>
/// Finds, in C# and Razor source, every configuration key the code reads: indexers, GetValue, GetConnectionString and
/// GetSection(…).GetChildren()/Value/Exists()/Get&lt;T&gt;() on an IConfiguration (a receiver named configuration /
/// Configuration / config, a section variable, or an IConfiguration parameter named after its section, e.g. azureAd for
/// AzureAd), and the public settable properties, recursively, of every options class bound with BindConfiguration,
/// Bind(GetSection(…)), Configure&lt;T&gt;(GetSection(…)) or GetSection(…).Get&lt;T&gt;(). Key arguments may be literals,
/// nameof(…), or string constants (Type.Name, or a name declared in the same file); anything else is reported as
/// unresolvable, so a read cannot slip past unnoticed.
/// </summary>
public static partial class ConfigurationKeyScanner
{
    private static readonly string[] RootReceivers = ["configuration", "Configuration", "config", "Config"];

    /// <summary>Scans <paramref name="files"/> (path, text); constants Type.Name resolve against <paramref name="application"/> and its references.</summary>
    public static (IReadOnlyList<ConfigurationKeyRead> Reads, IReadOnlyList<string> Problems) Scan(IEnumerable<(string Path, string Text)> files, Assembly application)
    {
        var reads = new List<ConfigurationKeyRead>();
        var problems = new List<string>();
        foreach (var (path, raw) in files)
        {
            var text = BlankComments(raw);
            var sections = SectionVariables(path, text, application, problems);

            string? PrefixOf(string receiver)
            {
                var last = receiver.Split('.')[^1];
                return RootReceivers.Contains(last) ? "" : sections.TryGetValue(receiver, out var section) ? section + ":" : null;
            }

            foreach (Match read in ReadCall().Matches(text))
            {
                if (PrefixOf(read.Groups["receiver"].Value) is not { } prefix)
                {
                    continue;
                }
                var where = $"{path}:{LineOf(text, read.Index)}";
                var argument = read.Groups["argument"].Value.Trim();
                if (Resolve(argument, text, application) is not { } name)
                {
                    problems.Add($"{where}: cannot resolve the configuration key '{argument}'; use a literal, nameof(…) or a string constant.");
                    continue;
                }
                var how = read.Groups["how"].Value;
                if (how.StartsWith(".GetSection", StringComparison.Ordinal))
                {
                    var after = read.Groups["after"].Value.TrimStart();
                    if (read.Groups["inner"].Success)
                    {
                        var inner = read.Groups["inner"].Value.Trim();
                        if (Resolve(inner, text, application) is { } innerName)
                        {
                            reads.Add(new ConfigurationKeyRead(prefix + name + ":" + innerName, where));
                        }
                        else
                        {
                            problems.Add($"{where}: cannot resolve the configuration key '{inner}'; use a literal, nameof(…) or a string constant.");
                        }
                    }
                    else if (read.Groups["type"].Success)
                    {
                        AddOptions(reads, problems, read.Groups["type"].Value, prefix + name, where, application);
                    }
                    else if (after.Length > 0)
                    {
                        reads.Add(new ConfigurationKeyRead(prefix + name, where));
                    }
                    // Otherwise a container: assigned to a section variable, bound below, or handed to a library.
                    continue;
                }
                reads.Add(new ConfigurationKeyRead(how.StartsWith(".GetConnectionString", StringComparison.Ordinal) ? "ConnectionStrings:" + name : prefix + name, where));
            }

            foreach (Match bound in OptionsBinding().Matches(text))
            {
                var where = $"{path}:{LineOf(text, bound.Index)}";
                var receiver = bound.Groups["receiver"].Value;
                var prefix = receiver.Length == 0 ? "" : PrefixOf(receiver);
                var argument = bound.Groups["argument"].Value.Trim();
                if (prefix is null || Resolve(argument, text, application) is not { } section)
                {
                    problems.Add($"{where}: cannot resolve the section '{receiver}.GetSection({argument})' that {bound.Groups["type"].Value} is bound to.");
                    continue;
                }
                AddOptions(reads, problems, bound.Groups["type"].Value, prefix + section, where, application);
            }
        }
        return (reads, problems);
    }

    /// <summary>Section variables (<c>var azureAd = configuration.GetSection("AzureAd")</c>) and IConfiguration parameters named after a section.</summary>
    private static Dictionary<string, string> SectionVariables(string path, string text, Assembly application, List<string> problems)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        var containers = new List<string>();
        foreach (Match assignment in SectionAssignment().Matches(text))
        {
            var receiver = assignment.Groups["receiver"].Value;
            var prefix = RootReceivers.Contains(receiver.Split('.')[^1]) ? "" : sections.TryGetValue(receiver, out var outer) ? outer + ":" : null;
            if (prefix is not null && Resolve(assignment.Groups["argument"].Value.Trim(), text, application) is { } name)
            {
                sections[assignment.Groups["variable"].Value] = prefix + name;
            }
        }
        foreach (Match section in RootSection().Matches(text))
        {
            if (Resolve(section.Groups["argument"].Value.Trim(), text, application) is { } name)
            {
                containers.Add(name);
            }
        }
        foreach (Match parameter in ConfigurationParameter().Matches(text))
        {
            var name = parameter.Groups["name"].Value;
            if (RootReceivers.Contains(name) || sections.ContainsKey(name))
            {
                continue;
            }
            var section = containers.FirstOrDefault(c => string.Equals(c.Split(':')[^1], name, StringComparison.OrdinalIgnoreCase));
            if (section is null)
            {
                problems.Add($"{path}:{LineOf(text, parameter.Index)}: cannot tell which section the IConfiguration parameter '{name}' is; "
                    + "name it after its section (azureAd for AzureAd) and get that section in the same file, or pass the root as 'configuration'.");
                continue;
            }
            sections[name] = section;
        }
        return sections;
    }

    private static void AddOptions(List<ConfigurationKeyRead> reads, List<string> problems, string typeName, string section, string where, Assembly application)
    {
        var type = FindType(typeName, application);
        if (type is null)
        {
            problems.Add($"{where}: the options type {typeName} bound to '{section}' was not found.");
            return;
        }
        foreach (var key in OptionKeys(type, section, []))
        {
            reads.Add(new ConfigurationKeyRead(key, $"{where} ({type.Name})"));
        }
    }

    /// <summary>The keys a binder fills: each public settable property, nested classes recursively; maps end in :&lt;key&gt;, lists in :&lt;index&gt;.</summary>
    public static IEnumerable<string> OptionKeys(Type type, string prefix, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            yield break;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var key = prefix + ":" + property.Name;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType))
            {
                yield return key;
            }
            else if (propertyType.GetInterfaces().Append(propertyType).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
                         && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))))
            {
                yield return key + ":<key>";
            }
            else if (typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                yield return key + ":<index>";
            }
            else
            {
                var nested = OptionKeys(propertyType, key, visiting).ToList();
                foreach (var nestedKey in nested.Count > 0 ? nested : [key])
                {
                    yield return nestedKey;
                }
            }
        }
        visiting.Remove(type);
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(Guid) || type == typeof(System.Net.IPAddress);

    private static string? Resolve(string argument, string fileText, Assembly application)
    {
        if (argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"')
        {
            return argument[1..^1];
        }
        if (NameOf().Match(argument) is { Success: true } nameOf)
        {
            return nameOf.Groups["name"].Value.Split('.')[^1];
        }
        if (!Identifier().IsMatch(argument))
        {
            return null;
        }
        var parts = argument.Split('.');
        if (parts.Length == 1)
        {
            var local = Regex.Match(fileText, $@"const\s+string\s+{Regex.Escape(argument)}\s*=\s*""(?<value>[^""]*)""");
            return local.Success ? local.Groups["value"].Value : null;
        }
        var type = FindType(parts[^2], application);
        return type?.GetField(parts[^1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } field
            ? field.GetRawConstantValue() as string
            : null;
    }

    private static Type? FindType(string name, Assembly application)
    {
        var own = application.GetTypes().Where(t => t.Name == name).ToList();
        if (own.Count > 0)
        {
            return own[0];
        }
        foreach (var reference in application.GetReferencedAssemblies())
        {
            try
            {
                if (Assembly.Load(reference).GetTypes().FirstOrDefault(t => t.Name == name && t.IsPublic) is { } type)
                {
                    return type;
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or ReflectionTypeLoadException or BadImageFormatException)
            {
                // An assembly the tests do not carry cannot hold an options type the app binds.
            }
        }
        return null;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    /// <summary>Comment lines become blank lines (keeping line numbers), so documentation examples are not reads.</summary>
    private static string BlankComments(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.TrimStart() is var trimmed && (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("@*", StringComparison.Ordinal) || trimmed.StartsWith('*')) ? "" : line));

    private const string Receiver = @"(?<receiver>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)";
    private const string Argument = @"(?<argument>""[^""]*""|nameof\(\s*[\w.]+\s*\)|[^,()\]\[]+)";
    private const string Inner = @"(?<inner>""[^""]*""|nameof\(\s*[\w.]+\s*\)|[^,()\]\[]+)";

    [GeneratedRegex(Receiver + @"\s*(?<how>\[\s*" + Argument + @"\s*\]|\.GetValue(?:<[^>]+>)?\(\s*" + Argument + @"\s*[,)]|\.GetConnectionString\(\s*" + Argument + @"\s*\)|\.GetSection\(\s*" + Argument + @"\s*\)(?<after>\s*\.\s*(?:GetChildren\(|Exists\(|Value\b|Get<(?<type>\w+)>\()|\s*\[\s*" + Inner + @"\s*\]|\s*\.\s*GetValue(?:<[^>]+>)?\(\s*" + Inner + @"\s*[,)])?)")]
    private static partial Regex ReadCall();

    [GeneratedRegex(@"(?:AddOptions<(?<type>\w+)>\(\)\s*\.BindConfiguration\(\s*(?<receiver>)" + Argument + @"\s*\)"
        + @"|AddOptions<(?<type>\w+)>\(\)\s*\.Bind\(\s*" + Receiver + @"\.GetSection\(\s*" + Argument + @"\s*\)\s*\)"
        + @"|Configure<(?<type>\w+)>\(\s*" + Receiver + @"\.GetSection\(\s*" + Argument + @"\s*\)\s*\))")]
    private static partial Regex OptionsBinding();

    [GeneratedRegex(@"\bvar\s+(?<variable>\w+)\s*=\s*" + Receiver + @"\.GetSection\(\s*" + Argument + @"\s*\)\s*;")]
    private static partial Regex SectionAssignment();

    [GeneratedRegex(@"\b(?:configuration|Configuration|config)\s*\.GetSection\(\s*" + Argument + @"\s*\)")]
    private static partial Regex RootSection();

    [GeneratedRegex(@"\bIConfiguration(?:Section)?\s+(?<name>\w+)\s*[,)=]")]
    private static partial Regex ConfigurationParameter();

    [GeneratedRegex(@"^nameof\(\s*(?<name>[\w.]+)\s*\)$")]
    private static partial Regex NameOf();

    [GeneratedRegex(@"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")]
    private static partial Regex Identifier();
}
