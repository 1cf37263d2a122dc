using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Scorecard;

/// <summary>Open findings of one rule: all, High or worse, and past their SLA due date. Risk-accepted and false-positive ones are not open work.</summary>
public sealed record OpenCounts(int Open, int HighOrWorse, int Overdue)
{
    public static readonly OpenCounts None = new(0, 0, 0);

    public OpenCounts Plus(OpenCounts other) => new(Open + other.Open, HighOrWorse + other.HighOrWorse, Overdue + other.Overdue);
}

/// <summary>One finding category: everything ever reported, what was reported in the last 30 days, and what is open.</summary>
public sealed record CategoryFacts(int Reported, int ReportedLast30Days, OpenCounts Open);

public sealed record ClusterFacts(string Name, bool IsManaged, TenancyModel Tenancy, string? Vpc, string? CloudAccount, DateTimeOffset? LastSuccessAt, string? ServerVersion);

/// <summary>
/// What the scorecard's sections answer from: a few grouped queries over the caller's scope (the context's filters apply),
/// loaded once per view, never a query per row.
/// </summary>
public sealed class ScorecardFacts
{
    public required K8PostureDbContext Db { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required CurrentPolicy Policy { get; init; }
    public required IReadOnlyDictionary<string, OpenCounts> OpenByRule { get; init; }
    public required IReadOnlyDictionary<FindingCategory, CategoryFacts> Categories { get; init; }
    public required IReadOnlyList<ClusterFacts> Clusters { get; init; }

    /// <summary>Distinct pipelines that pushed in the last 30 days.</summary>
    public required IReadOnlyList<string> PipelinesLast30Days { get; init; }

    /// <summary>Whether the built-in rules have judged anything: a cluster collected, or a rules batch stored.</summary>
    public required bool RulesEvaluated { get; init; }

    public DateTimeOffset Since30Days => Now.AddDays(-30);

    public OpenCounts Open(params string[] ruleIds) =>
        ruleIds.Aggregate(OpenCounts.None, (sum, id) => sum.Plus(OpenByRule.GetValueOrDefault(id, OpenCounts.None)));

    public CategoryFacts Category(FindingCategory category) => Categories.GetValueOrDefault(category, new CategoryFacts(0, 0, OpenCounts.None));

    public static async Task<ScorecardFacts> LoadAsync(K8PostureDbContext db, PolicyStore policies, DateTimeOffset now, CancellationToken ct)
    {
        var since = now.AddDays(-30);
        var open = db.Findings.AsNoTracking().Where(K8Posture.Shared.PostureDefinitions.IsOpen);
        var byRule = await open.Where(f => f.RuleId != null).GroupBy(f => f.RuleId!)
            .Select(g => new
            {
                g.Key,
                Open = g.Count(),
                High = g.Count(f => f.Severity >= FindingSeverity.High),
                Overdue = g.Count(f => f.SlaDueAt != null && f.SlaDueAt < now),
            })
            .ToListAsync(ct);
        var reported = await db.Findings.AsNoTracking().GroupBy(f => f.Category)
            .Select(g => new { g.Key, All = g.Count(), Recent = g.Count(f => f.LastSeenAt >= since) })
            .ToListAsync(ct);
        var openByCategory = await open.GroupBy(f => f.Category)
            .Select(g => new
            {
                g.Key,
                Open = g.Count(),
                High = g.Count(f => f.Severity >= FindingSeverity.High),
                Overdue = g.Count(f => f.SlaDueAt != null && f.SlaDueAt < now),
            })
            .ToDictionaryAsync(g => g.Key, ct);
        var clusters = await db.Clusters.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new ClusterFacts(c.Name, c.IsManaged, c.Tenancy, c.Vpc, c.CloudAccount, c.LastSuccessAt, c.ServerVersion))
            .ToListAsync(ct);
        var pipelines = await db.IngestBatches.AsNoTracking()
            .Where(b => b.Pipeline != null && b.ReceivedAt >= since && b.Status != IngestStatus.Failed)
            .Select(b => b.Pipeline!).Distinct().OrderBy(p => p).Take(200).ToListAsync(ct);
        var rulesEvaluated = clusters.Any(c => c.LastSuccessAt is not null)
            || await db.IngestBatches.AsNoTracking().AnyAsync(b => b.Source == ClusterCollectionJob.RulesSource && b.Status == IngestStatus.Processed, ct);

        return new ScorecardFacts
        {
            Db = db,
            Now = now,
            Policy = await policies.GetCurrentAsync(ct),
            OpenByRule = byRule.ToDictionary(r => r.Key, r => new OpenCounts(r.Open, r.High, r.Overdue), StringComparer.Ordinal),
            Categories = reported.ToDictionary(r => r.Key, r => new CategoryFacts(r.All, r.Recent,
                openByCategory.TryGetValue(r.Key, out var o) ? new OpenCounts(o.Open, o.High, o.Overdue) : OpenCounts.None)),
            Clusters = clusters,
            PipelinesLast30Days = pipelines,
            RulesEvaluated = rulesEvaluated,
        };
    }
}
