using System.Globalization;
using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Rebuilds <see cref="LandscapeCell"/> from Findings and LandscapeSnapshots with INSERT … SELECT … GROUP BY, in one
/// transaction (readers keep the previous cells until it commits). Nothing is loaded into memory. Raw SQL bypasses the
/// query filters on purpose: the cells cover every team and are scoped when read.
/// </summary>
public static class LandscapeCubeBuilder
{
    /// <summary>Closed findings older than this are not kept in cells: the widest time range is a year.</summary>
    public const int ClosedHistoryDays = 400;

    /// <summary>Rule ids and controls whose findings expose a workload outside the cluster (risk score: internet exposure).</summary>
    public const string ExposedPredicate =
        "(\"RuleId\" IN ('K8P-SVC-001', 'K8P-PSS-005', 'C-0041', 'C-0256') OR \"OwaspK8s\" = 'K06' OR \"PssControl\" IN ('baseline/host-ports', 'baseline/host-namespaces'))";

    /// <summary>Rule ids and controls of privileged workloads (risk score: privileged workloads).</summary>
    public const string PrivilegedPredicate =
        "(\"RuleId\" IN ('K8P-PSS-002', 'K8P-PSS-011', 'K8P-HOST-002', 'C-0057') OR \"PssControl\" IN ('baseline/privileged-containers', 'baseline/host-process'))";

    private static readonly string PerTeamDimensions = string.Join(", ",
        new[] { LandscapeDimension.Namespace, LandscapeDimension.Owasp, LandscapeDimension.Image, LandscapeDimension.Closed }.Select(d => (int)d));

    private const string ClosedSinceParameter = "{1}";
    private const string TrendSinceParameter = "{2}";

    private const string BuildTable = "\"temp\".\"LandscapeCellsBuild\"";

    private const string ColumnNames =
        "\"Dimension\", \"Key\", \"TeamId\", \"ClusterId\", \"Category\", \"Severity\", \"Count\", \"OverdueCount\", \"ExposedCount\", \"PrivilegedCount\", \"OnTimeCount\", \"RemediationHours\"";

    private const string Columns = "(" + ColumnNames + ")";

    /// <summary>Rebuilds every cell.</summary>
    public static Task<int> RebuildAsync(K8PostureDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        RebuildAsync(db, now, partition: null, cancellationToken);

    /// <summary>
    /// Rebuilds the cells of the findings in <paramref name="partition"/>'s clusters (every cell when null) and the
    /// organisation-wide rollups and trend; the other clusters' cells stay as they are. A push or a collection changes the
    /// findings of one cluster: re-aggregating those costs what the cluster holds, not what the organisation holds.
    /// </summary>
    public static async Task<int> RebuildAsync(K8PostureDbContext db, DateTimeOffset now, CellPartition? partition, CancellationToken cancellationToken)
    {
        var sqlServer = db.Database.IsSqlServer();
        var nowText = Timestamp(now, sqlServer);
        var closedSince = Timestamp(now.AddDays(-ClosedHistoryDays), sqlServer);
        var trendSince = DateOnly.FromDateTime(now.UtcDateTime.AddDays(-ClosedHistoryDays)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var imageKey = sqlServer
            ? "CONCAT(COALESCE(\"ImageRegistry\", 'docker.io'), '/', \"ImageRepository\")"
            : "COALESCE(\"ImageRegistry\", 'docker.io') || '/' || \"ImageRepository\"";
        // SQLite keeps DateTimeOffset as EF's sortable binary form ((ticks / 1000) << 11 | offset minutes; all UTC here).
        var closedDay = sqlServer
            ? "CONVERT(char(10), CAST(\"ClosedAt\" AS date), 23)"
            : "date(((\"ClosedAt\" >> 11) * 1000 - 621355968000000000) / 10000000, 'unixepoch')";
        var hours = sqlServer
            ? "DATEDIFF_BIG(SECOND, \"FirstSeenAt\", \"ClosedAt\") / 3600.0"
            : "((\"ClosedAt\" >> 11) - (\"FirstSeenAt\" >> 11)) / 36000000.0";
        var snapshotDay = sqlServer ? "CONVERT(char(10), \"Day\", 23)" : "\"Day\"";
        // Open, overdue, on time and late are the shared definitions (PostureDefinitions), not this builder's own.
        var open = PostureDefinitions.OpenSql;
        var overdue = $"CASE WHEN {PostureDefinitions.OverdueSql("{0}", sqlServer)} THEN 1 ELSE 0 END";
        var onTime = $"CASE WHEN {PostureDefinitions.OnTimeSql} THEN 1 ELSE 0 END";
        var late = $"CASE WHEN {PostureDefinitions.LateSql} THEN 1 ELSE 0 END";

        // On SQLite the cells are built in a TEMP table under a read snapshot — the long aggregation over every finding then
        // holds no write lock on the database file — and swapped in by a short write behind the process's writer gate, so a
        // push never waits on SQLITE_BUSY for a rebuild. SQL Server locks rows, so it builds in place.
        var target = sqlServer ? "\"LandscapeCells\"" : BuildTable;
        var inPartition = partition is null ? "" : " AND " + partition.InSql;
        // What the rebuild replaces: the partition's cells of the per-team dimensions, and all organisation-wide ones.
        var replaced = partition is null
            ? ""
            : $" WHERE (\"Dimension\" IN ({PerTeamDimensions}) AND {partition.InSql}) OR \"Dimension\" NOT IN ({PerTeamDimensions})";
        var start = sqlServer
            ? $"DELETE FROM \"LandscapeCells\"{replaced};"
            : $"DROP TABLE IF EXISTS {BuildTable}; CREATE TEMP TABLE \"LandscapeCellsBuild\" AS SELECT {ColumnNames} FROM \"LandscapeCells\" WHERE 0;";
        // The rollups sum the per-team cells of every cluster: on SQL Server (in place) the table holds them all by now; on
        // SQLite the rebuilt ones are in the TEMP table and the others still in the table.
        var perTeamCells = sqlServer || partition is null
            ? target
            : $"(SELECT {ColumnNames} FROM \"LandscapeCells\" WHERE {partition.OutSql} UNION ALL SELECT {ColumnNames} FROM {BuildTable})";
        var sql = $"""
            {start}
            INSERT INTO {target} {Columns}
            SELECT {(int)LandscapeDimension.Namespace}, "NamespaceName", "OwnerTeamId", "ClusterId", "Category", "Severity", COUNT(*),
                   SUM({overdue}), SUM(CASE WHEN {ExposedPredicate} THEN 1 ELSE 0 END), SUM(CASE WHEN {PrivilegedPredicate} THEN 1 ELSE 0 END), 0, 0
            FROM "Findings" WHERE {open}{inPartition}
            GROUP BY "NamespaceName", "OwnerTeamId", "ClusterId", "Category", "Severity";
            INSERT INTO {target} {Columns}
            SELECT {(int)LandscapeDimension.Owasp}, "OwaspK8s", "OwnerTeamId", "ClusterId", "Category", "Severity", COUNT(*), 0, 0, 0, 0, 0
            FROM "Findings" WHERE {open} AND "OwaspK8s" IS NOT NULL{inPartition}
            GROUP BY "OwaspK8s", "OwnerTeamId", "ClusterId", "Category", "Severity";
            INSERT INTO {target} {Columns}
            SELECT {(int)LandscapeDimension.Image}, {imageKey}, "OwnerTeamId", "ClusterId", "Category", "Severity", COUNT(*), 0, 0, 0, 0, 0
            FROM "Findings" WHERE {open} AND "ImageRepository" IS NOT NULL{inPartition}
            GROUP BY {imageKey}, "OwnerTeamId", "ClusterId", "Category", "Severity";
            INSERT INTO {target} {Columns}
            SELECT {(int)LandscapeDimension.Closed}, {closedDay}, "OwnerTeamId", "ClusterId", "Category", "Severity", COUNT(*), SUM({late}), 0, 0,
                   SUM({onTime}), SUM({hours})
            FROM "Findings" WHERE {PostureDefinitions.RemediatedSql} AND "ClosedAt" >= {ClosedSinceParameter}{inPartition}
            GROUP BY {closedDay}, "OwnerTeamId", "ClusterId", "Category", "Severity";
            INSERT INTO {target} {Columns}
            SELECT {(int)LandscapeDimension.TrendAllTeams}, {snapshotDay}, NULL, NULL, "Category", "Severity", SUM("OpenCount"), 0, 0, 0, 0, 0
            FROM "LandscapeSnapshots" WHERE "Day" >= {TrendSinceParameter}
            GROUP BY {snapshotDay}, "Category", "Severity";
            {Rollup(LandscapeDimension.Namespace, keyed: false, target, perTeamCells)}
            {Rollup(LandscapeDimension.Owasp, keyed: true, target, perTeamCells)}
            {Rollup(LandscapeDimension.Image, keyed: true, target, perTeamCells)}
            {Rollup(LandscapeDimension.Closed, keyed: true, target, perTeamCells)}
            """;
        if (sqlServer)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var rows = await db.Database.ExecuteSqlRawAsync(sql, [nowText, closedSince, trendSince], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return rows;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            int rows;
            // Deferred: Microsoft.Data.Sqlite begins IMMEDIATE by default, which takes the database's write lock at once
            // and held every push and collection for the whole aggregation (47 s behind a 43 s rebuild at 1,000,000
            // findings). A deferred transaction reads under a WAL snapshot and writes only the connection's TEMP table.
            await using (var snapshot = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true))
            {
                await db.Database.UseTransactionAsync(snapshot, cancellationToken);
                rows = await db.Database.ExecuteSqlRawAsync(sql, [nowText, closedSince, trendSince], cancellationToken);
                await snapshot.CommitAsync(cancellationToken);
                await db.Database.UseTransactionAsync(null, cancellationToken);
            }
            // Integer literals and constants only (CellPartition).
            var swapSql = $"""
                DELETE FROM "LandscapeCells"{replaced};
                INSERT INTO "LandscapeCells" {Columns} SELECT {ColumnNames} FROM {BuildTable};
                DROP TABLE {BuildTable};
                """;
            var writer = SqliteWriterGate.For(db);
            await writer.WaitAsync(cancellationToken);
            try
            {
                await using var swap = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync(swapSql, cancellationToken);
                await swap.CommitAsync(cancellationToken);
            }
            finally
            {
                writer.Release();
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The organisation-wide rollup of a dimension, summed from its per-team cells (a fraction of the findings).</summary>
    private static string Rollup(LandscapeDimension dimension, bool keyed, string target, string perTeamCells)
    {
        var key = keyed ? "\"Key\"" : "NULL";
        var groupBy = keyed ? "\"Key\", " : "";
        return $"""
            INSERT INTO {target} {Columns}
            SELECT {(int)dimension.AllTeams()}, {key}, NULL, NULL, "Category", "Severity", SUM("Count"), SUM("OverdueCount"), SUM("ExposedCount"),
                   SUM("PrivilegedCount"), SUM("OnTimeCount"), SUM("RemediationHours")
            FROM {perTeamCells} AS "PerTeam" WHERE "Dimension" = {(int)dimension}
            GROUP BY {groupBy}"Category", "Severity";
            """;
    }

    /// <summary>The form the providers store DateTimeOffset in, so comparisons in SQL are like-for-like.</summary>
    internal static object Timestamp(DateTimeOffset value, bool sqlServer) =>
        sqlServer
            ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fffffff zzz", CultureInfo.InvariantCulture)
            : (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(value.ToUniversalTime())!;
}

/// <summary>
/// The clusters whose cells a rebuild replaces: <see cref="ClusterIds"/>, and the findings in no cluster when
/// <see cref="IncludesNoCluster"/>. Written into the SQL as integer literals (ids, never text from a request).
/// </summary>
public sealed record CellPartition(IReadOnlyCollection<int> ClusterIds, bool IncludesNoCluster)
{
    public static CellPartition Of(IEnumerable<int?> clusterIds)
    {
        var ids = clusterIds.ToHashSet();
        return new CellPartition(ids.OfType<int>().Order().ToArray(), ids.Contains(null));
    }

    private string List => string.Join(", ", ClusterIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>True for a row of the partition (cells and findings both carry ClusterId).</summary>
    internal string InSql => (ClusterIds.Count, IncludesNoCluster) switch
    {
        (0, true) => "\"ClusterId\" IS NULL",
        (0, false) => "1 = 0",
        (_, true) => $"(\"ClusterId\" IN ({List}) OR \"ClusterId\" IS NULL)",
        _ => $"\"ClusterId\" IN ({List})",
    };

    /// <summary>True for a row outside the partition, written without NOT so that a null ClusterId is never unknown.</summary>
    internal string OutSql => (ClusterIds.Count, IncludesNoCluster) switch
    {
        (0, true) => "\"ClusterId\" IS NOT NULL",
        (0, false) => "1 = 1",
        (_, true) => $"(\"ClusterId\" IS NOT NULL AND \"ClusterId\" NOT IN ({List}))",
        _ => $"(\"ClusterId\" IS NULL OR \"ClusterId\" NOT IN ({List}))",
    };
}
