using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using K8Posture.Features.Alerts;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>dashboard --findings N</c>: seeds N findings over 50 clusters and 200 teams (20 business units, 1,000 namespaces)
/// plus 90 days of snapshots into a fresh SQLite file, rebuilds the landscape cells, then times (after warm-up) the
/// landscape page's data (<see cref="LandscapeQueries"/>, as an analyst and as an app-team member) and a findings page
/// with one filter and a sort (<see cref="FindingsQuery"/>, the grid's query). Prints one JSON object.
/// </summary>
internal static class DashboardBenchmark
{
    private const int WarmUpRuns = 3;
    private const int MeasuredRuns = 20;


    public static async Task<int> RunAsync(string[] args)
    {
        var findings = 1_000_000;
        var seedOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--findings" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                findings = n;
                i++;
            }
            else if (args[i] == "--seed-only")
            {
                seedOnly = true;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --findings N [--seed-only].");
                return 2;
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-dashboard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var seed = Stopwatch.StartNew();
            var seeded = await DashboardSeed.CachedDatabaseFileAsync(findings);
            if (seedOnly)
            {
                return 0;
            }
            File.Copy(seeded, Path.Combine(folder, "dashboard.db"));
            var seedSeconds = seed.Elapsed.TotalSeconds;
            await using var app = await DashboardSeed.StartAsync(Path.Combine(folder, "dashboard.db"));

            var rebuild = Stopwatch.StartNew();
            await app.Services.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
            var rebuildSeconds = rebuild.Elapsed.TotalSeconds;
            await app.Services.GetRequiredService<LandscapeCubeRefresher>().EnsureBuiltAsync();
            long cells;
            double oneClusterRebuildSeconds;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("bench");
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
                cells = await db.LandscapeCells.LongCountAsync();
                // What a push to one cluster or its collection costs: that cluster's cells and the rollups.
                var cluster = await db.Clusters.Where(c => c.Name == "cluster-07").Select(c => c.Id).SingleAsync();
                var oneCluster = Stopwatch.StartNew();
                await LandscapeCubeBuilder.RebuildAsync(db, DateTimeOffset.UtcNow, CellPartition.Of([cluster]), CancellationToken.None);
                oneClusterRebuildSeconds = oneCluster.Elapsed.TotalSeconds;
            }

            var analyst = Principal(Roles.SecurityAnalyst);
            var appTeam = Principal(Roles.AppTeamMember, teamId: 7);
            LandscapeSummary? lastSummary = null;
            var landscape = await TimeAsync(app.Services, analyst, async sp => lastSummary = await sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter()));
            var landscapeFiltered = await TimeAsync(app.Services, analyst, sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter(Environment: "production", Severity: FindingSeverity.Critical)));
            var landscapeAppTeam = await TimeAsync(app.Services, appTeam, sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter()));
            FindingsListResult? lastPage = null;
            var findingsPage = await TimeAsync(app.Services, analyst, async sp => lastPage = await sp.GetRequiredService<FindingsQuery>()
                .ListAsync(new FindingsCriteria(Cluster: "cluster-07", SortBy: FindingSortField.LastSeen, Descending: true), 0, 25));
            var findingsPageSeverity = await TimeAsync(app.Services, analyst, sp => sp.GetRequiredService<FindingsQuery>()
                .ListAsync(new FindingsCriteria(Severity: FindingSeverity.Critical), 0, 25));

            // What the node has to hold: the database file with its write-ahead log, as it stands after the seed and queries.
            var databaseMb = Directory.EnumerateFiles(folder, "dashboard.db*").Sum(file => new FileInfo(file).Length) / 1024d / 1024d;

            var result = new
            {
                findings,
                databaseMb = Math.Round(databaseMb, 0),
                clusters = DashboardSeed.Clusters,
                teams = DashboardSeed.Teams,
                snapshotRows = DashboardSeed.SnapshotDays * DashboardSeed.Teams * 5 * 6,
                seedOrCopySeconds = Math.Round(seedSeconds, 1),
                cellRebuildSeconds = Math.Round(rebuildSeconds, 2),
                cellRebuildOneClusterSeconds = Math.Round(oneClusterRebuildSeconds, 2),
                cells,
                runs = MeasuredRuns,
                landscape,
                landscapeFilteredProductionCritical = landscapeFiltered,
                landscapeAppTeam,
                findingsPageClusterFilterSortLastSeen = findingsPage,
                findingsPageSeverityFilterDefaultSort = findingsPageSeverity,
                check = new { openShown = lastSummary?.TotalOpen, clusterPageTotal = lastPage?.Total, pageRows = lastPage?.Items.Count },
                peakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
            };
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ClaimsPrincipal Principal(string role, int? teamId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "bench"), new(ClaimTypes.Role, role) };
        if (teamId is { } id)
        {
            claims.Add(new Claim(K8PostureClaims.Team, id.ToString(CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "bench", ClaimTypes.Name, ClaimTypes.Role));
    }

    private static async Task<object> TimeAsync(IServiceProvider services, ClaimsPrincipal user, Func<IServiceProvider, Task> action)
    {
        var samples = new List<double>();
        for (var i = 0; i < WarmUpRuns + MeasuredRuns; i++)
        {
            // One DI scope per run, as one page load has.
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(user);
            var stopwatch = Stopwatch.StartNew();
            await action(scope.ServiceProvider);
            if (i >= WarmUpRuns)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }
        samples.Sort();
        double Percentile(double p) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(p * samples.Count) - 1)];
        return new { p50Ms = Math.Round(Percentile(0.50), 1), p95Ms = Math.Round(Percentile(0.95), 1), maxMs = Math.Round(samples[^1], 1) };
    }
}
