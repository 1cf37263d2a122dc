using System.Diagnostics;
using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Intel;

/// <summary>What one re-score did: findings with KEV or EPSS intel after it, findings whose intel, context or priority it changed, SLAs it shortened.</summary>
public sealed record RescoreOutcome(int FindingsWithIntel, int FindingsScored, int KevSlaShortened, long DurationMs);

/// <summary>
/// Re-scores every finding in place with a handful of set-based UPDATEs (no row is loaded into memory): the CVE alias,
/// the KEV and EPSS columns, the runtime context, the priority and the KEV SLA. It writes no finding event and leaves the
/// content hash alone, so a new feed changes no finding history. Raw SQL bypasses the query filters on purpose: the
/// feeds are organisation-wide and every team's findings are scored. The caller owns the transaction.
/// </summary>
public static class IntelRescorer
{
    /// <summary>Cluster environments that count as production (compared lower-case).</summary>
    public static readonly IReadOnlyList<string> ProductionEnvironments = ["production", "prod", "prd"];

    /// <summary>
    /// The rule of a LoadBalancer/NodePort service. For a cluster whose exposure was never collected (findings pushed only),
    /// it marks the workloads of its whole namespace exposed; a collected cluster's exposure is per workload (ExposedWorkloads).
    /// </summary>
    public const string ExposedServiceRule = "K8P-SVC-001";

    private const string FirstParameter = "{0}";
    private const string SecondParameter = "{1}";

    /// <param name="fromFindingId">Only findings from this id on (a push's new ones), with the workload signals of the last full re-score.</param>
    /// <param name="clusterId">Only the findings of this cluster (after its collection), with the workload signals of the last full re-score.</param>
    public static async Task<RescoreOutcome> RescoreAsync(K8PostureDbContext db, DateTimeOffset now, int? kevSlaDays, CancellationToken cancellationToken,
        long? fromFindingId = null, int? clusterId = null)
    {
        var watch = Stopwatch.StartNew();
        var sqlServer = db.Database.IsSqlServer();
        var open = (int)FindingStatus.Open;
        var vulnerability = (int)FindingCategory.Vulnerability;
        var epssDate = await db.IntelFeedLoads.AsNoTracking().Where(l => l.Kind == IntelFeedKind.Epss)
            .OrderByDescending(l => l.Id).Select(l => l.FeedDate).FirstOrDefaultAsync(cancellationToken);
        var epssDateText = epssDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        var fromId = (fromFindingId is { } from ? $" AND \"Id\" >= {from}" : "") + (clusterId is { } cluster ? $" AND \"ClusterId\" = {cluster}" : "");
        var partial = fromFindingId is not null || clusterId is not null;
        var aliasSql = $"""
            UPDATE "Findings" SET "IntelCveId" = UPPER("VulnerabilityId")
            WHERE "IntelCveId" IS NULL AND "Category" = {vulnerability} AND "VulnerabilityId" LIKE 'CVE-%'{fromId}
            """;
        await db.Database.ExecuteSqlRawAsync(aliasSql, cancellationToken);

        string Concat(params string[] parts) => sqlServer ? $"CONCAT({string.Join(", ", parts)})" : string.Join(" || ", parts);
        if (!partial)
        {
            await RebuildWorkloadSignalsAsync(db, now, sqlServer, open, Concat, cancellationToken);
        }

        // One pass: the new intel, context and priority of each finding are computed in a derived table (KEV and EPSS joined
        // once, not looked up per column), and only the rows where any of them differs are written — a new EPSS file moves a
        // fraction of the scores, so most rows are read and left alone. Closed findings keep their context and priority.
        var production = string.Join(", ", ProductionEnvironments.Select(e => $"'{e}'"));
        var findingWorkload = Concat("f.\"ResourceKind\"", "'/'", "f.\"ResourceName\"");
        string Signal(WorkloadSignalKind kind, bool namespaceWide) => $"""
            CASE WHEN f."ResourceName" IS NOT NULL AND EXISTS (SELECT 1 FROM "IntelWorkloadSignals" w
                WHERE w."ClusterId" = f."ClusterId" AND w."NamespaceName" = f."NamespaceName" AND w."Signal" = {(int)kind}
                AND (w."Workload" = {findingWorkload}{(namespaceWide ? " OR w.\"Workload\" = '*'" : "")})) THEN 1 ELSE 0 END
            """;
        // Read live, not from the signals of the last full re-score: a collection replaces the rows just before it re-scores.
        var collectedExposure = """
            CASE WHEN f."ResourceKind" IS NOT NULL AND f."ResourceName" IS NOT NULL AND EXISTS (SELECT 1 FROM "ExposedWorkloads" x
                WHERE x."ClusterId" = f."ClusterId" AND x."NamespaceName" = f."NamespaceName" AND x."WorkloadKind" = f."ResourceKind"
                AND x."WorkloadName" = f."ResourceName") THEN 1 ELSE 0 END
            """;
        var exposed = $"CASE WHEN ({Signal(WorkloadSignalKind.Exposed, namespaceWide: true)}) = 1 OR ({collectedExposure}) = 1 THEN 1 ELSE 0 END";
        string OpenOr(string value, string column) => $"CASE WHEN f.\"Status\" = {open} THEN {value} ELSE f.\"{column}\" END";
        var isOpen = $"\"Status\" = {open}";
        string Differs(string column) => sqlServer
            ? $"NOT (\"Findings\".\"{column}\" = n.\"{column}\" OR (\"Findings\".\"{column}\" IS NULL AND n.\"{column}\" IS NULL))"
            : $"\"Findings\".\"{column}\" IS NOT n.\"{column}\"";
        string[] written = ["KevDateAdded", "KevDueDate", "KevKnownRansomware", "EpssFeedScore", "EpssFeedPercentile", "EpssFeedDate",
            "InProduction", "Exposed", "Privileged", "RecentRuntimeAlert", "Priority"];
        var epssDateValue = epssDateText is null ? "NULL" : (sqlServer ? $"CAST({FirstParameter} AS date)" : FirstParameter);
        var rescoreSql = $"""
            UPDATE "Findings" SET
                {string.Join(",\n    ", written.Select(c => $"\"{c}\" = n.\"{c}\""))},
                "PriorityScoredAt" = CASE WHEN n."Status" = {open} THEN {SecondParameter} ELSE "Findings"."PriorityScoredAt" END
            FROM (
                SELECT s."Id", s."Status", s."KevDateAdded", s."KevDueDate", s."KevKnownRansomware", s."EpssFeedScore", s."EpssFeedPercentile",
                    s."EpssFeedDate", s."InProduction", s."Exposed", s."Privileged", s."RecentRuntimeAlert", s."PriorityScoredAt",
                    CASE WHEN s.{isOpen} THEN {FindingPriority.Sql(sqlServer)} ELSE s."OldPriority" END AS "Priority"
                FROM (
                    SELECT f."Id", f."Status", f."Severity", f."Epss", f."FixedVersion", f."Priority" AS "OldPriority", f."PriorityScoredAt",
                        k."DateAdded" AS "KevDateAdded", k."DueDate" AS "KevDueDate", COALESCE(k."KnownRansomware", 0) AS "KevKnownRansomware",
                        e."Score" AS "EpssFeedScore", e."Percentile" AS "EpssFeedPercentile",
                        CASE WHEN e."CveId" IS NOT NULL THEN {epssDateValue} ELSE NULL END AS "EpssFeedDate",
                        {OpenOr($"CASE WHEN c.\"Id\" IS NOT NULL AND LOWER(c.\"Environment\") IN ({production}) THEN 1 ELSE 0 END", "InProduction")} AS "InProduction",
                        {OpenOr(exposed, "Exposed")} AS "Exposed",
                        {OpenOr(Signal(WorkloadSignalKind.Privileged, namespaceWide: false), "Privileged")} AS "Privileged",
                        {OpenOr(Signal(WorkloadSignalKind.RuntimeAlert, namespaceWide: false), "RecentRuntimeAlert")} AS "RecentRuntimeAlert"
                    FROM "Findings" f
                    LEFT JOIN "KevEntries" k ON k."CveId" = f."IntelCveId"
                    LEFT JOIN "EpssScores" e ON e."CveId" = f."IntelCveId"
                    LEFT JOIN "Clusters" c ON c."Id" = f."ClusterId"
                    WHERE (f.{isOpen} OR f."IntelCveId" IS NOT NULL OR f."KevDateAdded" IS NOT NULL OR f."EpssFeedScore" IS NOT NULL){fromId.Replace("\"Id\"", "f.\"Id\"", StringComparison.Ordinal).Replace("\"ClusterId\"", "f.\"ClusterId\"", StringComparison.Ordinal)}
                ) s
            ) n
            WHERE "Findings"."Id" = n."Id" AND ({string.Join(" OR ", written.Select(Differs))} OR (n."Status" = {open} AND "Findings"."PriorityScoredAt" IS NULL))
            """;
        var changed = await db.Database.ExecuteSqlRawAsync(rescoreSql,
            [epssDateText ?? "", LandscapeCubeBuilder.Timestamp(now, sqlServer)], cancellationToken);
        var withIntel = !partial
            ? await db.Findings.IgnoreQueryFilters().CountAsync(f => f.KevDateAdded != null || f.EpssFeedScore != null, cancellationToken)
            : 0;

        var shortened = 0;
        if (kevSlaDays is { } days and > 0)
        {
            // Due N days after the later of first seen and the day CISA added it: a finding that lands on KEV after a year
            // open is not overdue on the spot. Only ever shortens the severity SLA.
            var kevDue = sqlServer
                ? $"DATEADD(day, {days}, CASE WHEN \"FirstSeenAt\" > CAST(CAST(\"KevDateAdded\" AS datetime2) AS datetimeoffset) THEN \"FirstSeenAt\" ELSE CAST(CAST(\"KevDateAdded\" AS datetime2) AS datetimeoffset) END)"
                : $"((MAX(\"FirstSeenAt\" >> 11, CAST((julianday(\"KevDateAdded\") - 1721425.5) * 864000000 AS INTEGER)) + {days} * 864000000) << 11)";
            var kevSlaSql = $"""
                UPDATE "Findings" SET "SlaDueAt" = {kevDue}
                WHERE "Status" = {open} AND "KevDateAdded" IS NOT NULL AND ("SlaDueAt" IS NULL OR "SlaDueAt" > {kevDue}){fromId}
                """;
            shortened = await db.Database.ExecuteSqlRawAsync(kevSlaSql, cancellationToken);
        }
        return new RescoreOutcome(withIntel, changed, shortened, watch.ElapsedMilliseconds);
    }

    private static async Task RebuildWorkloadSignalsAsync(K8PostureDbContext db, DateTimeOffset now, bool sqlServer, int open, Func<string[], string> concat,
        CancellationToken cancellationToken)
    {
        var ignoredTriage = $"{(int)Alerts.AlertTriageState.Benign}, {(int)Alerts.AlertTriageState.FalsePositive}";
        var onWorkload = "\"ClusterId\" IS NOT NULL AND \"NamespaceName\" IS NOT NULL AND \"ResourceName\" IS NOT NULL";
        var workloadOfFinding = concat(["\"ResourceKind\"", "'/'", "\"ResourceName\""]);
        const string Signals = "INSERT INTO \"IntelWorkloadSignals\" (\"ClusterId\", \"NamespaceName\", \"Workload\", \"Signal\")";
        var signalsSql = $"""
            DELETE FROM "IntelWorkloadSignals";
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", {workloadOfFinding}, {(int)WorkloadSignalKind.Exposed} FROM "Findings"
            WHERE "Status" = {open} AND {onWorkload} AND "ResourceKind" IS NOT NULL AND {LandscapeCubeBuilder.ExposedPredicate}
                AND ("RuleId" IS NULL OR "RuleId" <> '{ExposedServiceRule}');
            {Signals}
            SELECT DISTINCT f."ClusterId", f."NamespaceName", '*', {(int)WorkloadSignalKind.Exposed} FROM "Findings" f
            INNER JOIN "Clusters" c ON c."Id" = f."ClusterId"
            WHERE f."Status" = {open} AND f."RuleId" = '{ExposedServiceRule}' AND f."NamespaceName" IS NOT NULL AND c."ExposureCollectedAt" IS NULL;
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", {workloadOfFinding}, {(int)WorkloadSignalKind.Privileged} FROM "Findings"
            WHERE "Status" = {open} AND {onWorkload} AND "ResourceKind" IS NOT NULL AND {LandscapeCubeBuilder.PrivilegedPredicate};
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", COALESCE("Workload", {concat(["'Pod/'", "\"Pod\""])}), {(int)WorkloadSignalKind.RuntimeAlert} FROM "RuntimeAlerts"
            WHERE "LastSeenAt" >= {FirstParameter} AND "ClusterId" IS NOT NULL AND "NamespaceName" IS NOT NULL AND ("Workload" IS NOT NULL OR "Pod" IS NOT NULL)
                AND "SuppressedBy" IS NULL AND "Triage" NOT IN ({ignoredTriage});
            """;
        await db.Database.ExecuteSqlRawAsync(signalsSql, [LandscapeCubeBuilder.Timestamp(now.AddDays(-FindingPriority.RuntimeAlertDays), sqlServer)], cancellationToken);
    }
}
