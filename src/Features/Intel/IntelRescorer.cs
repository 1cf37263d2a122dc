using System.Diagnostics;
using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Intel;

/// <summary>What one re-score did.</summary>
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

    /// <summary>The rule of a LoadBalancer/NodePort service: it exposes the workloads of its namespace (services are not matched to pods by selector).</summary>
    public const string ExposedServiceRule = "K8P-SVC-001";

    private const string FirstParameter = "{0}";

    /// <param name="fromFindingId">Only findings from this id on (a push's new ones), with the workload signals of the last full re-score.</param>
    public static async Task<RescoreOutcome> RescoreAsync(K8PostureDbContext db, DateTimeOffset now, int? kevSlaDays, CancellationToken cancellationToken,
        long? fromFindingId = null)
    {
        var watch = Stopwatch.StartNew();
        var sqlServer = db.Database.IsSqlServer();
        var open = (int)FindingStatus.Open;
        var vulnerability = (int)FindingCategory.Vulnerability;
        var epssDate = await db.IntelFeedLoads.AsNoTracking().Where(l => l.Kind == IntelFeedKind.Epss)
            .OrderByDescending(l => l.Id).Select(l => l.FeedDate).FirstOrDefaultAsync(cancellationToken);
        var epssDateText = epssDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        var aliasSql = $"""
            UPDATE "Findings" SET "IntelCveId" = UPPER("VulnerabilityId")
            WHERE "IntelCveId" IS NULL AND "Category" = {vulnerability} AND "VulnerabilityId" LIKE 'CVE-%'
            """;
        await db.Database.ExecuteSqlRawAsync(aliasSql, cancellationToken);

        string Kev(string column) => $"(SELECT k.\"{column}\" FROM \"KevEntries\" k WHERE k.\"CveId\" = \"Findings\".\"IntelCveId\")";
        string Epss(string column) => $"(SELECT e.\"{column}\" FROM \"EpssScores\" e WHERE e.\"CveId\" = \"Findings\".\"IntelCveId\")";
        var intelSql = $"""
            UPDATE "Findings" SET
                "KevDateAdded" = {Kev("DateAdded")},
                "KevDueDate" = {Kev("DueDate")},
                "KevKnownRansomware" = COALESCE({Kev("KnownRansomware")}, 0),
                "EpssFeedScore" = {Epss("Score")},
                "EpssFeedPercentile" = {Epss("Percentile")},
                "EpssFeedDate" = CASE WHEN EXISTS (SELECT 1 FROM "EpssScores" e WHERE e."CveId" = "Findings"."IntelCveId") THEN {(epssDateText is null ? "NULL" : FirstParameter)} ELSE NULL END
            WHERE "IntelCveId" IS NOT NULL OR "KevDateAdded" IS NOT NULL OR "EpssFeedScore" IS NOT NULL
            """;
        var withIntel = await db.Database.ExecuteSqlRawAsync(intelSql, epssDateText is null ? [] : [epssDateText], cancellationToken);

        string Concat(params string[] parts) => sqlServer ? $"CONCAT({string.Join(", ", parts)})" : string.Join(" || ", parts);
        var production = string.Join(", ", ProductionEnvironments.Select(e => $"'{e}'"));
        var ignoredTriage = $"{(int)Alerts.AlertTriageState.Benign}, {(int)Alerts.AlertTriageState.FalsePositive}";
        var onWorkload = "\"ClusterId\" IS NOT NULL AND \"NamespaceName\" IS NOT NULL AND \"ResourceName\" IS NOT NULL";
        var workloadOfFinding = Concat("\"ResourceKind\"", "'/'", "\"ResourceName\"");
        const string Signals = "INSERT INTO \"IntelWorkloadSignals\" (\"ClusterId\", \"NamespaceName\", \"Workload\", \"Signal\")";
        var signalsSql = $"""
            DELETE FROM "IntelWorkloadSignals";
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", {workloadOfFinding}, {(int)WorkloadSignalKind.Exposed} FROM "Findings"
            WHERE "Status" = {open} AND {onWorkload} AND "ResourceKind" IS NOT NULL AND {LandscapeCubeBuilder.ExposedPredicate}
                AND ("RuleId" IS NULL OR "RuleId" <> '{ExposedServiceRule}');
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", '*', {(int)WorkloadSignalKind.Exposed} FROM "Findings"
            WHERE "Status" = {open} AND "RuleId" = '{ExposedServiceRule}' AND "ClusterId" IS NOT NULL AND "NamespaceName" IS NOT NULL;
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", {workloadOfFinding}, {(int)WorkloadSignalKind.Privileged} FROM "Findings"
            WHERE "Status" = {open} AND {onWorkload} AND "ResourceKind" IS NOT NULL AND {LandscapeCubeBuilder.PrivilegedPredicate};
            {Signals}
            SELECT DISTINCT "ClusterId", "NamespaceName", COALESCE("Workload", {Concat("'Pod/'", "\"Pod\"")}), {(int)WorkloadSignalKind.RuntimeAlert} FROM "RuntimeAlerts"
            WHERE "LastSeenAt" >= {FirstParameter} AND "ClusterId" IS NOT NULL AND "NamespaceName" IS NOT NULL AND ("Workload" IS NOT NULL OR "Pod" IS NOT NULL)
                AND "SuppressedBy" IS NULL AND "Triage" NOT IN ({ignoredTriage});
            """;
        await db.Database.ExecuteSqlRawAsync(signalsSql, [LandscapeCubeBuilder.Timestamp(now.AddDays(-FindingPriority.RuntimeAlertDays), sqlServer)], cancellationToken);

        var findingWorkload = Concat("\"Findings\".\"ResourceKind\"", "'/'", "\"Findings\".\"ResourceName\"");
        string Signal(WorkloadSignalKind kind, bool namespaceWide) => $"""
            CASE WHEN "Findings"."ResourceName" IS NOT NULL AND EXISTS (SELECT 1 FROM "IntelWorkloadSignals" w
                WHERE w."ClusterId" = "Findings"."ClusterId" AND w."NamespaceName" = "Findings"."NamespaceName" AND w."Signal" = {(int)kind}
                AND (w."Workload" = {findingWorkload}{(namespaceWide ? " OR w.\"Workload\" = '*'" : "")})) THEN 1 ELSE 0 END
            """;
        var contextSql = $"""
            UPDATE "Findings" SET
                "InProduction" = CASE WHEN EXISTS (SELECT 1 FROM "Clusters" c WHERE c."Id" = "Findings"."ClusterId" AND LOWER(c."Environment") IN ({production})) THEN 1 ELSE 0 END,
                "Exposed" = {Signal(WorkloadSignalKind.Exposed, namespaceWide: true)},
                "Privileged" = {Signal(WorkloadSignalKind.Privileged, namespaceWide: false)},
                "RecentRuntimeAlert" = {Signal(WorkloadSignalKind.RuntimeAlert, namespaceWide: false)}
            WHERE "Status" = {open}
            """;
        await db.Database.ExecuteSqlRawAsync(contextSql, cancellationToken);

        var prioritySql = $"""
            UPDATE "Findings" SET "Priority" = {FindingPriority.Sql(sqlServer)}, "PriorityScoredAt" = {FirstParameter}
            WHERE "Status" = {open}
            """;
        var scored = await db.Database.ExecuteSqlRawAsync(prioritySql, [LandscapeCubeBuilder.Timestamp(now, sqlServer)], cancellationToken);

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
                WHERE "Status" = {open} AND "KevDateAdded" IS NOT NULL AND ("SlaDueAt" IS NULL OR "SlaDueAt" > {kevDue})
                """;
            shortened = await db.Database.ExecuteSqlRawAsync(kevSlaSql, cancellationToken);
        }
        return new RescoreOutcome(withIntel, scored, shortened, watch.ElapsedMilliseconds);
    }
}
