using System.Text.Json;
using System.Text.RegularExpressions;

namespace K8Posture.UnitTests.Docs;

/// <summary>
/// docs/configuration.md documents, in one table, every configuration key the code reads (and every key the shipped
/// appsettings files set), and nothing that nobody reads.
/// </summary>
public sealed partial class ConfigurationReferenceFacts
{
    /// <summary>Sections handed whole to a library (Identity.Web, the logging framework): the table may cover the rest of them with Section:*.</summary>
    private static readonly string[] LibrarySections = ["AzureAd", "Logging"];

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "K8Posture.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException("K8Posture.sln is not above the test folder.");
    }

    private static IEnumerable<(string Path, string Text)> SourceFiles(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)));

    /// <summary>The first cell of each row of the table: `Key` (maybe several, comma-separated), or `Section:*`.</summary>
    internal static IReadOnlyList<string> DocumentedKeys(string markdown) =>
        markdown.Split('\n')
            .Select(line => TableRowKey().Match(line))
            .Where(m => m.Success)
            .SelectMany(m => KeyInCell().Matches(m.Groups["cell"].Value).Select(k => k.Groups["key"].Value))
            .ToList();

    /// <summary>Every key of an appsettings file, flattened as configuration sees it (Section:Key, arrays by index).</summary>
    internal static IEnumerable<string> SettingsKeys(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var keys = new List<string>();
        void Walk(JsonElement element, string prefix)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, prefix.Length == 0 ? property.Name : prefix + ":" + property.Name);
                    }
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, prefix + ":" + index++);
                    }
                    break;
                default:
                    keys.Add(prefix);
                    break;
            }
        }
        Walk(document.RootElement, "");
        return keys;
    }

    /// <summary>What is wrong with the table, as lines a person can act on; empty when it is complete and current.</summary>
    internal static IReadOnlyList<string> Compare(IReadOnlyList<ConfigurationKeyRead> reads, IEnumerable<string> settingsKeys, IReadOnlyList<string> documented)
    {
        var exact = documented.Where(k => !k.EndsWith(":*", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wildcards = documented.Where(k => k.EndsWith(":*", StringComparison.Ordinal)).Select(k => k[..^1]).ToList();
        var settings = settingsKeys.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var read = reads.Select(r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var report = new List<string>();

        var missing = reads.Where(r => !exact.Contains(r.Key)).GroupBy(r => r.Key, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0)
        {
            report.Add($"docs/configuration.md lacks {missing.Count} key(s) the code reads; add a row (key, default, what it does, when you need it) for each:");
            report.AddRange(missing.Select(g => $"  {g.Key}    (read at {string.Join(", ", g.Select(r => r.Where).Distinct())})"));
        }

        var undocumentedSettings = settings.Where(k => !exact.Contains(k) && !wildcards.Any(w => k.StartsWith(w, StringComparison.OrdinalIgnoreCase))).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (undocumentedSettings.Count > 0)
        {
            report.Add($"docs/configuration.md lacks {undocumentedSettings.Count} key(s) that appsettings*.json set:");
            report.AddRange(undocumentedSettings.Select(k => "  " + k));
        }

        var stale = exact.Where(k => !read.Contains(k) && !settings.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var strayWildcards = wildcards.Where(w => !LibrarySections.Any(s => string.Equals(s + ":", w, StringComparison.OrdinalIgnoreCase))).ToList();
        if (stale.Count + strayWildcards.Count > 0)
        {
            report.Add($"docs/configuration.md lists {stale.Count + strayWildcards.Count} key(s) that nothing reads (neither the code nor appsettings*.json); remove or correct them:");
            report.AddRange(stale.Concat(strayWildcards.Select(w => w + "*")).Select(k => "  " + k));
        }
        return report;
    }

    private static (IReadOnlyList<ConfigurationKeyRead> Reads, IReadOnlyList<string> Problems) ScanSource() =>
        ConfigurationKeyScanner.Scan(SourceFiles(RepositoryRoot()), typeof(Program).Assembly);

    [Fact]
    public void Every_key_the_code_reads_or_appsettings_set_is_in_the_table_and_every_row_is_read()
    {
        var root = RepositoryRoot();
        var (reads, problems) = ScanSource();
        var settings = new[] { "appsettings.json", "appsettings.Development.json" }.SelectMany(f => SettingsKeys(File.ReadAllText(Path.Combine(root, f))));
        var documented = DocumentedKeys(File.ReadAllText(Path.Combine(root, "docs", "configuration.md")));

        Assert.True(problems.Count == 0, "The configuration key scan could not follow these reads:\n" + string.Join("\n", problems));
        var report = Compare(reads, settings, documented);
        Assert.True(report.Count == 0, string.Join("\n", report));
    }

    [Fact]
    public void The_scan_follows_each_way_the_code_reads_configuration()
    {
        var (reads, _) = ScanSource();
        var keys = reads.Select(r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Contains("Notifications:AllowHttpWebhooks", keys);   // GetValue("…", default)
        Assert.Contains("Hangfire:Storage", keys);                  // builder.Configuration["…"]
        Assert.Contains("ConnectionStrings:K8Posture", keys);       // GetConnectionString(constant)
        Assert.Contains("AzureAd:RequireHttpsMetadata", keys);      // a section parameter with GetValue(nameof(…))
        Assert.Contains("AzureAd:ClientSecret", keys);              // a section parameter's indexer
        Assert.Contains("AzureAd:ClientCertificates", keys);        // GetSection(…).GetChildren()
        Assert.Contains("Notifications:Smtp:Password", keys);       // BindConfiguration(Type.Constant)
        Assert.Contains("Graph:TimeoutSeconds", keys);              // Bind(configuration.GetSection(…))
        Assert.Contains("Sla:Days:Critical", keys);                 // a nested options class
        Assert.Contains("Remediation:RiskAcceptanceMaxDays:<key>", keys); // a dictionary
        Assert.DoesNotContain("Siem:SplunkHec:IsConfigured", keys); // get-only: not bindable
    }

    [Fact]
    public void A_new_read_is_reported_with_its_place_and_a_row_nothing_reads_is_reported_too()
    {
        const string source = """
            public static class NewThing
            {
                public const string Section = "NewThing";
                public static int Limit(IConfiguration configuration) => configuration.GetValue("RateLimits:Ingest:PermitsPerMinute", 600);
                public static string? Name(IConfiguration configuration) => configuration.GetSection(Section)["DisplayName"];
                public static bool On(IConfiguration configuration) => configuration[$"Feature:{1}"] is not null;
            }
            """;
        var (reads, problems) = ConfigurationKeyScanner.Scan([("src/NewThing.cs", source)], typeof(Program).Assembly);

        Assert.Contains(reads, r => r.Key == "RateLimits:Ingest:PermitsPerMinute" && r.Where == "src/NewThing.cs:4");
        Assert.Contains(reads, r => r.Key == "NewThing:DisplayName" && r.Where == "src/NewThing.cs:5");
        Assert.Single(problems, p => p.StartsWith("src/NewThing.cs:6", StringComparison.Ordinal));
        var report = string.Join("\n", Compare(reads, ["AllowedHosts"], ["AllowedHosts", "Old:Key"]));
        Assert.Contains("lacks 2 key(s) the code reads", report, StringComparison.Ordinal);
        Assert.Contains("  RateLimits:Ingest:PermitsPerMinute    (read at src/NewThing.cs:4)", report, StringComparison.Ordinal);
        Assert.Contains("  Old:Key", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_parser_reads_keys_from_the_first_cell_only()
    {
        const string markdown = """
            | key | default | what it does | when you need it |
            |---|---|---|---|
            | `Auth:Mode` | `EntraId` | Sign-in: `Local` or `EntraId` | always |
            | `Sla:Days:Critical`, `Sla:Days:High` | 7, 30 | SLA days | before a policy |
            | `Logging:*` | | the logging framework | |
            """;

        Assert.Equal(["Auth:Mode", "Sla:Days:Critical", "Sla:Days:High", "Logging:*"], DocumentedKeys(markdown));
    }

    [GeneratedRegex(@"^\|\s*(?<cell>`[^|]+)\|")]
    private static partial Regex TableRowKey();

    [GeneratedRegex(@"`(?<key>[A-Za-z][^`\s]*)`")]
    private static partial Regex KeyInCell();
}
