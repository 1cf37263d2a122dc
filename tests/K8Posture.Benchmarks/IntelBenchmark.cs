using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Intel;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>intel --findings N [--epss-rows M]</c>: seeds N findings (vulnerabilities over 20 clusters, half production, with
/// exposure and privileged findings on some workloads) into a fresh SQLite file, generates an EPSS file of M rows
/// (default 300,000, FIRST's format and skew), then times: the real KEV catalog load + re-score, and the EPSS parse,
/// replace and set-based re-score — the same parser, bulk insert and <see cref="IntelRescorer"/> the endpoints run.
/// </summary>
internal static class IntelBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var findings = 100_000;
        var epssRows = 300_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--findings" or "--epss-rows" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                if (args[i] == "--findings") findings = n; else epssRows = n;
                i++;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --findings N [--epss-rows M].");
                return 2;
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await StartAsync(folder);
            var seedWatch = Stopwatch.StartNew();
            await SeedAsync(app.Services, findings, epssRows);
            var seedSeconds = seedWatch.Elapsed.TotalSeconds;

            var kevFile = Path.Combine(AppContext.BaseDirectory, "fixtures", "kev", "cisa-kev-catalog-2025.01.24.json");
            var kevBytes = await File.ReadAllBytesAsync(kevFile);
            var kev = await TimeAsync(app.Services, () => KevCatalogParser.Parse(kevBytes).Entries, "KevEntries", IntelFeedKind.Kev, null);

            var epssBytes = EpssFile(epssRows);
            var epss = await TimeAsync(app.Services, () => EpssCsvParser.Parse(epssBytes).Scores, "EpssScores", IntelFeedKind.Epss, new DateOnly(2025, 2, 20));

            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
            var scored = await db.Findings.CountAsync(f => f.EpssFeedScore != null);
            var onKev = await db.Findings.CountAsync(f => f.KevDateAdded != null);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                findings,
                epssRows,
                epssFileMb = Math.Round(epssBytes.Length / 1024d / 1024d, 1),
                seedSeconds = Math.Round(seedSeconds, 1),
                kev,
                epss,
                findingsWithEpss = scored,
                findingsOnKev = onKev,
                goalSeconds = 30,
                processPeakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record FeedRun(int Rows, double ParseSeconds, double ReplaceSeconds, double RescoreSeconds, double TotalSeconds, int FindingsWithIntel, int FindingsScored);

    private static async Task<FeedRun> TimeAsync<T>(IServiceProvider services, Func<IReadOnlyList<T>> parse, string table, IntelFeedKind kind, DateOnly? feedDate)
        where T : class
    {
        var total = Stopwatch.StartNew();
        var rows = parse();
        var parseSeconds = total.Elapsed.TotalSeconds;
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -32768");
        await using var transaction = await db.Database.BeginTransactionAsync();
        var replace = Stopwatch.StartNew();
        var deleteAll = $"DELETE FROM \"{table}\"";
        await db.Database.ExecuteSqlRawAsync(deleteAll);
        await BulkInserter.InsertAsync(db, rows, assignIds: false, CancellationToken.None);
        db.IntelFeedLoads.Add(new IntelFeedLoad { Kind = kind, FeedDate = feedDate, LoadedAt = DateTimeOffset.UtcNow, LoadedBy = "system:benchmark", Rows = rows.Count, PayloadSha256 = "0" });
        await db.SaveChangesAsync();
        var replaceSeconds = replace.Elapsed.TotalSeconds;
        var rescore = await IntelRescorer.RescoreAsync(db, DateTimeOffset.UtcNow, kevSlaDays: 14, CancellationToken.None);
        await transaction.CommitAsync();
        return new FeedRun(rows.Count, Math.Round(parseSeconds, 2), Math.Round(replaceSeconds, 2), Math.Round(rescore.DurationMs / 1000d, 2),
            Math.Round(total.Elapsed.TotalSeconds, 2), rescore.FindingsWithIntel, rescore.FindingsScored);
    }

    /// <summary>The CVE of EPSS row <paramref name="i"/>: years 1999–2025, ids as NVD numbers them.</summary>
    private static string Cve(int i) => $"CVE-{1999 + i % 27}-{1000 + i / 27}";

    /// <summary>FIRST's layout and skew: most scores below 1 %, a long tail to 0.97; percentile is the rank.</summary>
    private static byte[] EpssFile(int rows)
    {
        var random = new Random(17);
        var scores = Enumerable.Range(0, rows).Select(_ => Math.Round(Math.Min(0.97, 0.0004 + Math.Pow(random.NextDouble(), 9)), 5)).ToArray();
        var sorted = scores.Order().ToArray();
        var text = new StringBuilder(rows * 32);
        text.Append("#model_version:v2025.03.14,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\n");
        for (var i = 0; i < rows; i++)
        {
            var rank = Array.BinarySearch(sorted, scores[i]);
            var percentile = Math.Round((rank + 1) / (double)rows, 5);
            text.Append(Cve(i)).Append(',').Append(scores[i].ToString("0.00000", CultureInfo.InvariantCulture)).Append(',')
                .Append(percentile.ToString("0.00000", CultureInfo.InvariantCulture)).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task SeedAsync(IServiceProvider services, int count, int epssRows)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        int[] teamIds;
        int[] clusterIds;
        string[] kevCves;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var teams = Enumerable.Range(1, 20).Select(i => new Team { Name = "Team " + i.ToString("00", CultureInfo.InvariantCulture) }).ToList();
            var clusters = Enumerable.Range(1, 20).Select(i => new Cluster
            {
                Name = "cluster-" + i.ToString("00", CultureInfo.InvariantCulture), Environment = i % 2 == 0 ? "production" : "staging", CreatedAt = DateTimeOffset.UtcNow,
            }).ToList();
            db.Teams.AddRange(teams);
            db.Clusters.AddRange(clusters);
            await db.SaveChangesAsync();
            teamIds = teams.Select(t => t.Id).ToArray();
            clusterIds = clusters.Select(c => c.Id).ToArray();
        }
        var kevFile = Path.Combine(AppContext.BaseDirectory, "fixtures", "kev", "cisa-kev-catalog-2025.01.24.json");
        kevCves = KevCatalogParser.Parse(await File.ReadAllBytesAsync(kevFile)).Entries.Select(e => e.CveId).ToArray();
        var severities = Enum.GetValues<FindingSeverity>();
        var now = DateTimeOffset.UtcNow;
        const int chunk = 50_000;
        for (var offset = 0; offset < count; offset += chunk)
        {
            await using var db = await factory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var rows = new List<Finding>(chunk);
            for (var i = offset; i < Math.Min(count, offset + chunk); i++)
            {
                var id = i.ToString(CultureInfo.InvariantCulture);
                // 1 in 50 is a misconfiguration on the same workloads (privileged or an exposed service), the rest vulnerabilities;
                // 1 in 200 vulnerabilities is on KEV, 4 in 5 have an EPSS score.
                var misconfiguration = i % 50 == 0;
                var cve = i % 200 == 1 ? kevCves[i % kevCves.Length] : i % 5 == 0 ? "CVE-2099-" + (10000 + i).ToString(CultureInfo.InvariantCulture) : Cve(i * 7 % epssRows);
                var workload = "app-" + (i % 5000).ToString(CultureInfo.InvariantCulture);
                rows.Add(new Finding
                {
                    Fingerprint = id.PadLeft(64, '0'),
                    ContentHash = id.PadLeft(64, 'c'),
                    Source = "trivy-operator",
                    ScopeKey = "k8s:bench/" + workload,
                    Category = misconfiguration ? FindingCategory.ContainerMisconfiguration : FindingCategory.Vulnerability,
                    Severity = severities[i % severities.Length],
                    Title = misconfiguration ? "Privileged container" : "pkg" + (i % 997).ToString(CultureInfo.InvariantCulture) + ": buffer overflow " + id,
                    RuleId = misconfiguration ? (i % 100 == 0 ? "K8P-PSS-002" : "K8P-SVC-001") : null,
                    VulnerabilityId = misconfiguration ? null : cve,
                    IntelCveId = misconfiguration ? null : cve,
                    PackageName = "pkg" + (i % 997).ToString(CultureInfo.InvariantCulture),
                    InstalledVersion = "1.0.0",
                    FixedVersion = i % 3 == 0 ? null : "1.0.1",
                    ClusterId = clusterIds[i % clusterIds.Length],
                    NamespaceName = "team-" + (i % 20).ToString(CultureInfo.InvariantCulture),
                    ResourceKind = misconfiguration && i % 100 != 0 ? "Service" : "Deployment",
                    ResourceName = workload,
                    OwnerTeamId = teamIds[i % teamIds.Length],
                    Status = i % 7 == 0 ? FindingStatus.Closed : FindingStatus.Open,
                    FirstSeenAt = now.AddDays(-(i % 90)),
                    LastSeenAt = now.AddDays(-(i % 5)),
                    ClosedAt = i % 7 == 0 ? now.AddDays(-(i % 3)) : null,
                    SlaDueAt = now.AddDays(30 - (i % 60)),
                });
            }
            await BulkInserter.InsertAsync(db, rows, assignIds: false, CancellationToken.None);
            await transaction.CommitAsync();
        }
    }

    private static async Task<WebApplication> StartAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={Path.Combine(folder, "bench.db")}",
        });
        builder.Logging.ClearProviders();
        builder.AddK8PostureData();
        builder.Services.AddSingleton(TimeProvider.System);
        var app = builder.Build();
        await DataRegistration.MigrateAsync(app.Services);
        return app;
    }
}
