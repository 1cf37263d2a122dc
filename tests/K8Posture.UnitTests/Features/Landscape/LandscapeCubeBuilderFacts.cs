using System.Data.Common;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.UnitTests.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class LandscapeCubeBuilderFacts
{
    /// <summary>Right after the long aggregation ran, before its transaction ends: can another connection start writing at once?</summary>
    private sealed class WriterProbe(string connectionString) : DbCommandInterceptor
    {
        public bool? AnotherWriterCouldStart { get; private set; }

        public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("CREATE TEMP TABLE", StringComparison.Ordinal))
            {
                await using var other = new SqliteConnection(connectionString + ";Default Timeout=1");
                await other.OpenAsync(cancellationToken);
                await using var begin = other.CreateCommand();
                begin.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                try
                {
                    await begin.ExecuteNonQueryAsync(cancellationToken);
                    AnotherWriterCouldStart = true;
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 5)
                {
                    AnotherWriterCouldStart = false;
                }
            }
            return result;
        }
    }

    [Fact]
    public async Task The_aggregation_over_every_finding_holds_no_write_lock_so_a_push_can_write_meanwhile()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL");
            var team = new Team { Name = "Payments" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            db.Findings.AddRange(Enumerable.Range(1, 3).Select(n => new Finding
            {
                Fingerprint = n.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, '0'),
                ContentHash = "0",
                Source = "test",
                ScopeKey = "s",
                Title = "t",
                NamespaceName = "payments",
                OwnerTeamId = team.Id,
                Severity = FindingSeverity.High,
            }));
            await db.SaveChangesAsync();
        }

        var probe = new WriterProbe(database.ConnectionString);
        var options = new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite(database.ConnectionString).AddInterceptors(probe).Options;
        await using (var db = new SqliteK8PostureDbContext(options, SqliteTestDatabase.SystemScope()))
        {
            await LandscapeCubeBuilder.RebuildAsync(db, new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), CancellationToken.None);
        }

        Assert.True(probe.AnotherWriterCouldStart, "the aggregation's transaction held the database's write lock");
        await using var check = database.Open(SqliteTestDatabase.SystemScope());
        Assert.Equal(3, await check.LandscapeCells.Where(c => c.Dimension == LandscapeDimension.Namespace && c.Key == "payments").SumAsync(c => c.Count));
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Three clusters and findings in none; open, overdue, remediated; two teams; images, OWASP ids, an exposing rule.</summary>
    private static async Task<(int[] Clusters, int[] Teams)> SeedSpreadAsync(SqliteK8PostureDbContext db)
    {
        var teams = new[] { new Team { Name = "Payments" }, new Team { Name = "Search" } };
        var clusters = new[] { "prod-eu", "prod-us", "stage" }.Select(name => new Cluster { Name = name }).ToArray();
        db.Teams.AddRange(teams);
        db.Clusters.AddRange(clusters);
        await db.SaveChangesAsync();
        var n = 0;
        foreach (var cluster in clusters.Select(c => (int?)c.Id).Append(null))
        {
            foreach (var team in teams)
            {
                foreach (var severity in new[] { FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Low })
                {
                    db.Findings.Add(SpreadFinding(++n, cluster, team.Id, severity, closedDaysAgo: null));
                    db.Findings.Add(SpreadFinding(++n, cluster, team.Id, severity, closedDaysAgo: n % 20));
                }
            }
        }
        await db.SaveChangesAsync();
        return (clusters.Select(c => c.Id).ToArray(), teams.Select(t => t.Id).ToArray());
    }

    private static Finding SpreadFinding(int n, int? clusterId, int teamId, FindingSeverity severity, int? closedDaysAgo) => new()
    {
        Fingerprint = $"spread-{n:D5}".PadRight(64, '0'),
        ContentHash = "0",
        Source = "test",
        ScopeKey = "s",
        Title = "t" + n,
        Category = n % 3 == 0 ? FindingCategory.KubernetesMisconfiguration : FindingCategory.Vulnerability,
        Severity = severity,
        OwnerTeamId = teamId,
        ClusterId = clusterId,
        NamespaceName = clusterId is null ? null : $"ns-{n % 4}",
        ImageRegistry = n % 2 == 0 ? "ghcr.io" : null,
        ImageRepository = $"org/app-{n % 5}",
        OwaspK8s = n % 3 == 0 ? $"K0{n % 9 + 1}" : null,
        RuleId = n % 7 == 0 ? "K8P-SVC-001" : null,
        FirstSeenAt = Now.AddDays(-30 - n % 11),
        LastSeenAt = Now,
        SlaDueAt = Now.AddDays(n % 2 == 0 ? -3 : 12),
        Status = closedDaysAgo is null ? FindingStatus.Open : FindingStatus.Closed,
        ClosedAt = closedDaysAgo is { } days ? Now.AddDays(-days) : null,
    };

    /// <summary>Every cell as comparable text, in a fixed order (ids differ between rebuilds).</summary>
    private static async Task<List<string>> CellsAsync(SqliteK8PostureDbContext db) =>
        (await db.LandscapeCells.AsNoTracking().ToListAsync())
            .Select(c => $"{c.Dimension}|{c.Key}|{c.TeamId}|{c.ClusterId}|{c.Category}|{c.Severity}|{c.Count}|{c.OverdueCount}|{c.ExposedCount}|{c.PrivilegedCount}|{c.OnTimeCount}|{c.RemediationHours:0.###}")
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task Rebuilding_only_the_clusters_that_changed_leaves_exactly_the_cells_a_whole_rebuild_leaves()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using var db = database.Open(SqliteTestDatabase.SystemScope());
        var (clusters, teams) = await SeedSpreadAsync(db);
        await LandscapeCubeBuilder.RebuildAsync(db, Now, CancellationToken.None);

        // A push to prod-eu: a new finding, one closed, one moved in from prod-us, one changing owner; and a registry scan
        // (no cluster) adding one. stage is untouched.
        db.Findings.Add(SpreadFinding(9001, clusters[0], teams[1], FindingSeverity.Critical, closedDaysAgo: null));
        db.Findings.Add(SpreadFinding(9002, null, teams[0], FindingSeverity.High, closedDaysAgo: null));
        var inEu = await db.Findings.AsTracking().Where(f => f.ClusterId == clusters[0] && f.Status == FindingStatus.Open).OrderBy(f => f.Id).Take(2).ToListAsync();
        inEu[0].Status = FindingStatus.Closed;
        inEu[0].ClosedAt = Now.AddHours(-1);
        inEu[1].OwnerTeamId = teams[1] == inEu[1].OwnerTeamId ? teams[0] : teams[1];
        var fromUs = await db.Findings.AsTracking().FirstAsync(f => f.ClusterId == clusters[1] && f.Status == FindingStatus.Open);
        fromUs.ClusterId = clusters[0];
        await db.SaveChangesAsync();

        await LandscapeCubeBuilder.RebuildAsync(db, Now, CellPartition.Of([clusters[0], clusters[1], null]), CancellationToken.None);
        var partial = await CellsAsync(db);
        await LandscapeCubeBuilder.RebuildAsync(db, Now, CancellationToken.None);
        var whole = await CellsAsync(db);

        Assert.Equal(whole, partial);
        Assert.Contains(partial, cell => cell.StartsWith($"{LandscapeDimension.OpenAllTeams}|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_rebuild_keeps_the_other_clusters_cells_and_sums_the_rollups_over_every_cluster()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using var db = database.Open(SqliteTestDatabase.SystemScope());
        var (clusters, teams) = await SeedSpreadAsync(db);
        await LandscapeCubeBuilder.RebuildAsync(db, Now, CancellationToken.None);
        var stageBefore = (await CellsAsync(db)).Where(c => c.Contains($"|{clusters[2]}|", StringComparison.Ordinal)).ToList();

        // stage changes too, but only prod-eu is rebuilt: stage's cells are what they were (its own rebuild is due later).
        db.Findings.Add(SpreadFinding(9101, clusters[2], teams[0], FindingSeverity.Critical, closedDaysAgo: null));
        db.Findings.Add(SpreadFinding(9102, clusters[0], teams[0], FindingSeverity.Critical, closedDaysAgo: null));
        await db.SaveChangesAsync();
        await LandscapeCubeBuilder.RebuildAsync(db, Now, CellPartition.Of([clusters[0]]), CancellationToken.None);

        Assert.Equal(stageBefore, (await CellsAsync(db)).Where(c => c.Contains($"|{clusters[2]}|", StringComparison.Ordinal)).ToList());
        var cells = await db.LandscapeCells.AsNoTracking().ToListAsync();
        var perTeam = cells.Where(c => c.Dimension == LandscapeDimension.Namespace).Sum(c => c.Count);
        var rollup = cells.Where(c => c.Dimension == LandscapeDimension.OpenAllTeams).Sum(c => c.Count);
        var openInCells = await db.Findings.CountAsync(f => f.Status == FindingStatus.Open) - 1;
        Assert.Equal(openInCells, perTeam);
        Assert.Equal(perTeam, rollup);
    }
}

