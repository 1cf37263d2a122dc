using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Intel;

/// <summary>One finding at the top of the ordering, with every input of its priority.</summary>
public sealed record FixFirstRow(
    long Id,
    int Priority,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FindingSeverity>))] FindingSeverity Severity,
    string Title,
    string? VulnerabilityId,
    string? Cve,
    DateOnly? KevDateAdded,
    DateOnly? KevDueDate,
    bool KevKnownRansomware,
    double? Epss,
    double? EpssPercentile,
    bool InProduction,
    bool Exposed,
    bool Privileged,
    bool RecentRuntimeAlert,
    bool FixAvailable,
    string? FixedVersion,
    string? Cluster,
    string? NamespaceName,
    string? Resource,
    string? Image,
    string? OwnerTeam,
    DateTimeOffset? SlaDueAt);

public sealed record FixFirstTeam(int? TeamId, string Team, int OpenCount, int KnownExploitedInProduction, IReadOnlyList<FixFirstRow> Top);

public sealed record FixFirstView(string Formula, DateTimeOffset? ScoredAt, int OpenCount, int KnownExploitedInProduction, IReadOnlyList<FixFirstRow> Top, IReadOnlyList<FixFirstTeam> Teams);

/// <summary>
/// The Fix first ordering: open findings without a verdict (<see cref="PostureDefinitions.IsOpen"/>) by priority, then
/// severity, EPSS and id. Read through the scoped context, so an app team sees its own teams only, for the "organisation"
/// list too.
/// </summary>
public sealed class FixFirstQuery(IDbContextFactory<K8PostureDbContext> contexts)
{
    public const int DefaultTop = 20;
    public const int MaxTop = 200;
    public const int PerTeam = 5;

    /// <summary>Null when <paramref name="team"/> names no team the caller can see.</summary>
    public async Task<FixFirstView?> GetAsync(string? team, int top, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        if (!db.Scope.SeesAllTeams)
        {
            teams = teams.Where(t => db.Scope.TeamIds.Contains(t.Id)).ToList();
        }
        var open = Open(db);
        if (team is not null)
        {
            var chosen = teams.FirstOrDefault(t => string.Equals(t.Name, team, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                return null;
            }
            teams = [chosen];
            open = open.Where(f => f.OwnerTeamId == chosen.Id);
        }
        var scoredAt = await open.MaxAsync(f => f.PriorityScoredAt, cancellationToken);
        var count = await open.CountAsync(cancellationToken);
        var kevInProduction = await open.Where(PostureDefinitions.IsKnownExploitedInProduction).CountAsync(cancellationToken);
        var topRows = await Rows(open, top, cancellationToken);
        var perTeam = new List<FixFirstTeam>();
        foreach (var t in teams)
        {
            var ofTeam = open.Where(f => f.OwnerTeamId == t.Id);
            var teamCount = await ofTeam.CountAsync(cancellationToken);
            if (teamCount == 0)
            {
                continue;
            }
            perTeam.Add(new FixFirstTeam(t.Id, t.Name, teamCount, await ofTeam.Where(PostureDefinitions.IsKnownExploitedInProduction).CountAsync(cancellationToken),
                await Rows(ofTeam, Math.Min(top, PerTeam), cancellationToken)));
        }
        // The highest first: a team with a known-exploited finding in production outranks one with more findings.
        perTeam = perTeam.OrderByDescending(t => t.Top.Count == 0 ? 0 : t.Top[0].Priority).ThenBy(t => t.Team, StringComparer.Ordinal).ToList();
        return new FixFirstView(FindingPriority.Formula, scoredAt, count, kevInProduction, topRows, perTeam);
    }

    /// <summary>Open findings of the caller's scope; the cluster name of a visible finding is shown even where the team owns no other namespace.</summary>
    private static IQueryable<Finding> Open(K8PostureDbContext db) =>
        db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]).Where(PostureDefinitions.IsOpen);

    private static Task<List<FixFirstRow>> Rows(IQueryable<Finding> findings, int top, CancellationToken cancellationToken) =>
        findings
            .OrderByDescending(f => f.Priority).ThenByDescending(f => f.Severity).ThenByDescending(f => f.EpssFeedScore).ThenBy(f => f.Id)
            .Take(top)
            .Select(f => new FixFirstRow(
                f.Id, f.Priority, f.Severity, f.Title, f.VulnerabilityId, f.IntelCveId, f.KevDateAdded, f.KevDueDate, f.KevKnownRansomware,
                f.EpssFeedScore ?? f.Epss, f.EpssFeedPercentile, f.InProduction, f.Exposed, f.Privileged, f.RecentRuntimeAlert,
                f.FixedVersion != null && f.FixedVersion != "", f.FixedVersion,
                f.Cluster!.Name, f.NamespaceName,
                f.ResourceName == null ? null : f.ResourceKind + "/" + f.ResourceName,
                f.ImageRepository == null ? null : f.ImageRepository + (f.ImageTag == null ? "" : ":" + f.ImageTag),
                f.OwnerTeam!.Name, f.SlaDueAt))
            .ToListAsync(cancellationToken);
}
