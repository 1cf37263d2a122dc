using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;
using K8Posture.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.Benchmarks;

/// <summary>
/// The <c>dashboard</c> benchmark's data: N findings over 50 clusters (<c>cluster-01</c>…) and 200 teams (<c>team-001</c>…,
/// 20 business units, 5 namespaces each) plus daily snapshots. Shared by the <c>dashboard</c> and <c>load</c> benchmarks and
/// the load smoke test.
/// </summary>
internal static class DashboardSeed
{
    public const int Clusters = 50;
    public const int Teams = 200;
    public const int NamespacesPerTeam = 5;
    public const int SnapshotDays = 90;

    private static readonly string[] Registries = ["docker.io", "mcr.microsoft.com", "ghcr.io", "quay.io", "registry.k8s.io", "contoso.azurecr.io"];
    private static readonly string[] Owasp = ["K01", "K02", "K03", "K04", "K05", "K06", "K07", "K08", "K09", "K10"];
    private static readonly string[] Rules = ["K8P-SVC-001", "K8P-PSS-002", "K8P-PSS-013", "K8P-RES-001", "K8P-NET-001", "K8P-RBAC-001", "K8P-IMG-002", "C-0041"];

    /// <summary>The cluster a team's first namespace is in (the seed spreads a team's namespaces over consecutive clusters).</summary>
    public static string ClusterOfTeam(int teamNumber) => $"cluster-{(teamNumber - 1) * NamespacesPerTeam % Clusters + 1:00}";

    public static string TeamName(int teamNumber) => $"team-{teamNumber:000}";

    /// <summary>A migrated SQLite file at <paramref name="file"/> with the seed and the landscape cells built; WAL checkpointed into the file.</summary>
    /// <summary>
    /// A seeded file of N findings (cells built, WAL checkpointed) from the temp folder's cache, seeded first if missing. The
    /// name carries the newest migration, so a schema change seeds again. Callers that write copy it first.
    /// </summary>
    public static async Task<string> CachedDatabaseFileAsync(int findings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-load-cache");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"dashboard-{findings}-{NewestMigration()}.db");
        if (File.Exists(file))
        {
            Console.Error.WriteLine($"seeded database from the cache ({file})");
            return file;
        }
        var watch = Stopwatch.StartNew();
        var building = file + ".building";
        foreach (var leftover in Directory.GetFiles(folder, Path.GetFileName(building) + "*"))
        {
            File.Delete(leftover);
        }
        await CreateDatabaseFileAsync(building, findings);
        File.Move(building, file);
        Console.Error.WriteLine($"seeded {findings} findings in {watch.Elapsed.TotalSeconds:0} s ({file})");
        return file;
    }

    private static string NewestMigration() =>
        typeof(K8PostureDbContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(SqliteK8PostureDbContext))
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .Max(StringComparer.Ordinal) ?? "none";

    public static async Task CreateDatabaseFileAsync(string file, int findings, int snapshotDays = SnapshotDays)
    {
        await using (var app = await StartAsync(file))
        {
            await SeedAsync(app.Services, findings, snapshotDays);
            await app.Services.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>The data layer and the landscape and findings queries over <paramref name="file"/>, migrated.</summary>
    public static async Task<WebApplication> StartAsync(string file)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetDirectoryName(file), EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={file}",
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

    public static async Task SeedAsync(IServiceProvider services, int count, int snapshotDays = SnapshotDays)
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
            for (var day = 0; day < snapshotDays; day++)
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
