using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Shared;

/// <summary>The teams a context sees, by name: the one query behind every team picker.</summary>
public static class TeamList
{
    public static async Task<IReadOnlyList<(int Id, string Name)>> ByNameAsync(K8PostureDbContext db, CancellationToken cancellationToken) =>
        (await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken))
            .Select(t => (t.Id, t.Name)).ToList();
}
