using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>Open findings of one category and severity.</summary>
public sealed record OpenFindingCount(FindingCategory Category, FindingSeverity Severity, int Count);

/// <summary>What the landscape page shows; everything is already limited to the caller's teams by the data scope.</summary>
public sealed record LandscapeSummary(IReadOnlyList<OpenFindingCount> OpenCounts, int ClusterCount, bool HasAnyFinding)
{
    public int OpenCritical => CountOf(FindingSeverity.Critical);
    public int OpenHigh => CountOf(FindingSeverity.High);
    public int TotalOpen => OpenCounts.Sum(c => c.Count);

    /// <summary>Nothing was ever pushed that the caller may see.</summary>
    public bool IsEmpty => !HasAnyFinding;

    public int CountOf(FindingSeverity severity) => OpenCounts.Where(c => c.Severity == severity).Sum(c => c.Count);

    public int CountOf(FindingCategory category, FindingSeverity severity) =>
        OpenCounts.Where(c => c.Category == category && c.Severity == severity).Sum(c => c.Count);
}

public sealed class LandscapeQueries(IDbContextFactory<K8PostureDbContext> contexts)
{
    public async Task<LandscapeSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.Findings.AsNoTracking()
            .Where(f => f.Status == FindingStatus.Open)
            .GroupBy(f => new { f.Category, f.Severity })
            .Select(g => new OpenFindingCount(g.Key.Category, g.Key.Severity, g.Count()))
            .ToListAsync(cancellationToken);
        var clusterCount = await db.Clusters.AsNoTracking().CountAsync(cancellationToken);
        var hasAnyFinding = counts.Count > 0 || await db.Findings.AsNoTracking().AnyAsync(cancellationToken);
        return new LandscapeSummary(counts, clusterCount, hasAnyFinding);
    }

    /// <summary>Names of the given teams, for the "Showing team X" line of a team-scoped user.</summary>
    public async Task<IReadOnlyList<string>> GetTeamNamesAsync(IReadOnlyList<int> teamIds, CancellationToken cancellationToken = default)
    {
        if (teamIds.Count == 0)
        {
            return [];
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Teams.AsNoTracking()
            .Where(t => teamIds.Contains(t.Id))
            .OrderBy(t => t.Name)
            .Select(t => t.Name)
            .ToListAsync(cancellationToken);
    }

    /// <summary>One series per severity (worst first), one value per category in <see cref="FindingLabels.Categories"/> order.</summary>
    public static IReadOnlyList<ChartSeries> ToChartSeries(LandscapeSummary summary) =>
        FindingLabels.SeveritiesWorstFirst
            .Select(severity => new ChartSeries(
                severity.Label(),
                FindingLabels.Categories.Select(category => (double?)summary.CountOf(category, severity)).ToList()))
            .ToList();
}
