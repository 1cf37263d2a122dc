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
    private const int Clusters = 50;
    private const int Teams = 200;
    private const int NamespacesPerTeam = 5;
    private const int SnapshotDays = 90;
    private const int WarmUpRuns = 3;
    private const int MeasuredRuns = 20;

    private static readonly string[] Registries = ["docker.io", "mcr.microsoft.com", "ghcr.io", "quay.io", "registry.k8s.io", "contoso.azurecr.io"];
    private static readonly string[] Owasp = ["K01", "K02", "K03", "K04", "K05", "K06", "K07", "K08", "K09", "K10"];
    private static readonly string[] Rules = ["K8P-SVC-001", "K8P-PSS-002", "K8P-PSS-013", "K8P-RES-001", "K8P-NET-001", "K8P-RBAC-001", "K8P-IMG-002", "C-0041"];

    public static async Task<int> RunAsync(string[] args)
    {
        var findings = 1_000_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--findings" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                findings = n;
                i++;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --findings N.");
                return 2;
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-dashboard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await StartAsync(folder);
            var seed = Stopwatch.StartNew();
            await SeedAsync(app.Services, findings);
            var seedSeconds = seed.Elapsed.TotalSeconds;

            var rebuild = Stopwatch.StartNew();
            await app.Services.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
            var rebuildSeconds = rebuild.Elapsed.TotalSeconds;
            await app.Services.GetRequiredService<LandscapeCubeRefresher>().EnsureBuiltAsync();
            long cells;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("bench");
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
                cells = await db.LandscapeCells.LongCountAsync();
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

            var result = new
            {
                findings,
                clusters = Clusters,
                teams = Teams,
                snapshotRows = SnapshotDays * Teams * 5 * 6,
                seedSeconds = Math.Round(seedSeconds, 1),
                cellRebuildSeconds = Math.Round(rebuildSeconds, 2),
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

    private static async Task<WebApplication> StartAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={Path.Combine(folder, "dashboard.db")}",
        });
        builder.Logging.ClearProviders();
        builder.AddK8PostureData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LandscapeChangeNotifier>();
        builder.Services.AddLandscape();
        builder.Services.AddScoped<ILandscapeSignalSource, AlertsLandscapeSignals>();
        builder.Services.AddFindings();
        var app = builder.Build();
        await DataRegistration.MigrateAsync(app.Services);
        return app;
    }

    private static async Task SeedAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("bench:seed");
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        var now = DateTimeOffset.UtcNow;
        var random = new Random(42);

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var units = Enumerable.Range(1, 20).Select(i => new BusinessUnit { Name = $"unit-{i:00}" }).ToList();
            db.BusinessUnits.AddRange(units);
            var teams = Enumerable.Range(1, Teams).Select(i => new Team { Name = $"team-{i:000}", BusinessUnit = units[(i - 1) % units.Count] }).ToList();
            db.Teams.AddRange(teams);
            var clusters = Enumerable.Range(1, Clusters).Select(i => new Cluster
            {
                Name = $"cluster-{i:00}",
                Environment = i % 3 == 0 ? "staging" : "production",
                IsManaged = i % 10 != 0,
                CreatedAt = now,
            }).ToList();
            db.Clusters.AddRange(clusters);
            await db.SaveChangesAsync();
            for (var t = 0; t < Teams; t++)
            {
                for (var n = 0; n < NamespacesPerTeam; n++)
                {
                    db.Namespaces.Add(new ClusterNamespace { ClusterId = clusters[(t * NamespacesPerTeam + n) % Clusters].Id, Name = $"{teams[t].Name}-ns{n}", OwnerTeamId = teams[t].Id });
                }
            }
            await db.SaveChangesAsync();
        }

        List<(int ClusterId, string Name, int TeamId)> namespaces;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            namespaces = (await db.Namespaces.AsNoTracking().Select(n => new { n.ClusterId, n.Name, n.OwnerTeamId }).ToListAsync())
                .Select(n => (n.ClusterId, n.Name, n.OwnerTeamId!.Value)).ToList();
        }

        const int chunk = 100_000;
        for (var start = 0; start < count; start += chunk)
        {
            var rows = new List<Finding>(Math.Min(chunk, count - start));
            for (var i = start; i < Math.Min(count, start + chunk); i++)
            {
                var category = (FindingCategory)(i % 10 < 6 ? (int)FindingCategory.Vulnerability : random.Next(5));
                var severity = (FindingSeverity)Math.Min(5, random.Next(1, 7));
                var vulnerability = category == FindingCategory.Vulnerability;
                var closed = random.Next(100) < 15;
                var firstSeen = now.AddDays(-random.Next(1, 200)).AddMinutes(-random.Next(1440));
                var closedAt = closed ? firstSeen.AddDays(random.Next(1, 60)) : (DateTimeOffset?)null;
                if (closedAt > now)
                {
                    closedAt = now.AddHours(-1);
                }
                // A namespace runs a handful of images (shared base images recur across namespaces), as real ones do.
                var nsIndex = random.Next(namespaces.Count);
                var ns = namespaces[nsIndex];
                var image = (nsIndex * 7 + random.Next(4)) % 300;
                rows.Add(new Finding
                {
                    Fingerprint = i.ToString("x64", CultureInfo.InvariantCulture),
                    ContentHash = (i * 7L).ToString("x64", CultureInfo.InvariantCulture),
                    Source = vulnerability ? "trivy" : "k8posture",
                    ScopeKey = $"cluster:{ns.ClusterId}/ns:{ns.Name}",
                    Category = category,
                    Severity = severity,
                    Title = vulnerability ? $"CVE-2024-{i % 50_000:00000} in pkg{i % 2000}" : $"Rule {Rules[i % Rules.Length]} on deployment app-{i % 5000}",
                    RuleId = vulnerability ? null : Rules[i % Rules.Length],
                    VulnerabilityId = vulnerability ? $"CVE-2024-{i % 50_000:00000}" : null,
                    PackageName = vulnerability ? $"pkg{i % 2000}" : null,
                    InstalledVersion = vulnerability ? "1.0.0" : null,
                    FixedVersion = vulnerability && i % 3 == 0 ? "1.0.1" : null,
                    ClusterId = ns.ClusterId,
                    NamespaceName = ns.Name,
                    ResourceKind = "Deployment",
                    ResourceName = $"app-{i % 5000}",
                    ImageRegistry = Registries[image % Registries.Length],
                    ImageRepository = $"org/image-{image}",
                    ImageTag = $"v{image % 7}",
                    OwaspK8s = vulnerability ? null : Owasp[i % Owasp.Length],
                    OwnerTeamId = ns.TeamId,
                    Status = closed ? FindingStatus.Closed : FindingStatus.Open,
                    FirstSeenAt = firstSeen,
                    LastSeenAt = closedAt ?? now.AddMinutes(-random.Next(10_000)),
                    ClosedAt = closedAt,
                    SlaDueAt = firstSeen.AddDays(severity switch { FindingSeverity.Critical => 7, FindingSeverity.High => 30, FindingSeverity.Medium => 90, _ => 180 }),
                });
            }
            await using var db = await contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInserter.InsertAsync(db, rows, assignIds: false, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var teamIds = await db.Teams.Select(t => t.Id).ToListAsync();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            // DateOnly is not among the bulk inserter's types; one prepared statement does the same here.
            var connection = (Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO \"LandscapeSnapshots\" (\"Day\", \"TeamId\", \"Category\", \"Severity\", \"OpenCount\") VALUES ($day, $team, $category, $severity, $count)";
            var pDay = insert.Parameters.Add("$day", Microsoft.Data.Sqlite.SqliteType.Text);
            var pTeam = insert.Parameters.Add("$team", Microsoft.Data.Sqlite.SqliteType.Integer);
            var pCategory = insert.Parameters.Add("$category", Microsoft.Data.Sqlite.SqliteType.Integer);
            var pSeverity = insert.Parameters.Add("$severity", Microsoft.Data.Sqlite.SqliteType.Integer);
            var pCount = insert.Parameters.Add("$count", Microsoft.Data.Sqlite.SqliteType.Integer);
            insert.Prepare();
            for (var day = 0; day < SnapshotDays; day++)
            {
                pDay.Value = today.AddDays(-day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                foreach (var teamId in teamIds)
                {
                    pTeam.Value = teamId;
                    foreach (var category in Enum.GetValues<FindingCategory>())
                    {
                        pCategory.Value = (int)category;
                        foreach (var severity in Enum.GetValues<FindingSeverity>())
                        {
                            pSeverity.Value = (int)severity;
                            pCount.Value = random.Next(0, 40);
                            await insert.ExecuteNonQueryAsync();
                        }
                    }
                }
            }
            await transaction.CommitAsync();
        }
    }
}
