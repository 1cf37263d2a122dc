using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Landscape;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Teams;

public sealed record TeamFacts(int Id, string Name, string? BusinessUnit, int Namespaces, IReadOnlyList<string> Clusters);

/// <summary>A row of the teams list; <see cref="IsUnowned"/> marks the bucket of open findings no team owns.</summary>
public sealed record TeamRow(string Name, string? BusinessUnit, int OpenCritical, int OpenHigh, int Open)
{
    public bool IsUnowned { get; init; }
}

/// <summary>Teams as the caller may see them: organisation-wide roles see all, an app-team member only their own.</summary>
public sealed class TeamQueries(IDbContextFactory<K8PostureDbContext> contexts, LandscapeCubeRefresher cube)
{
    public async Task<TeamFacts?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var team = await Visible(db).Where(t => t.Name == name)
            .Select(t => new { t.Id, t.Name, Unit = t.BusinessUnit!.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (team is null)
        {
            return null;
        }
        var namespaces = await db.Namespaces.AsNoTracking().CountAsync(n => n.OwnerTeamId == team.Id, cancellationToken);
        // The same clusters the landscape below counts for this team.
        var clusters = await db.Clusters.AsNoTracking().OfTeams([team.Id]).Select(c => c.Name).ToListAsync(cancellationToken);
        return new TeamFacts(team.Id, team.Name, team.Unit, namespaces, clusters.Order(StringComparer.Ordinal).ToList());
    }

    public async Task<IReadOnlyList<TeamRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await cube.EnsureBuiltAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await Visible(db).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, Unit = t.BusinessUnit!.Name }).ToListAsync(cancellationToken);
        var counts = await db.LandscapeCells.AsNoTracking()
            .Where(c => c.Dimension == LandscapeDimension.Namespace)
            .GroupBy(c => c.TeamId)
            .Select(g => new
            {
                TeamId = g.Key,
                Critical = g.Sum(c => c.Severity == FindingSeverity.Critical ? c.Count : 0),
                High = g.Sum(c => c.Severity == FindingSeverity.High ? c.Count : 0),
                Open = g.Sum(c => c.Count),
            })
            .ToListAsync(cancellationToken);
        var rows = teams.Select(t => counts.FirstOrDefault(c => c.TeamId == t.Id) is { } c
                ? new TeamRow(t.Name, t.Unit, c.Critical, c.High, c.Open)
                : new TeamRow(t.Name, t.Unit, 0, 0, 0))
            .ToList();
        // The cells of unowned findings are visible only to the organisation-wide roles, so only they get this row.
        if (counts.FirstOrDefault(c => c.TeamId == null) is { Open: > 0 } unowned)
        {
            rows.Add(new TeamRow(PostureDefinitions.UnownedLabel, null, unowned.Critical, unowned.High, unowned.Open) { IsUnowned = true });
        }
        return rows;
    }

    private static IQueryable<Team> Visible(K8PostureDbContext db)
    {
        var teams = db.Teams.AsNoTracking();
        if (!db.Scope.SeesAllTeams)
        {
            var ids = db.Scope.TeamIds;
            teams = teams.Where(t => ids.Contains(t.Id));
        }
        return teams;
    }
}
