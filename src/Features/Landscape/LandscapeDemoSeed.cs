using K8Posture.Data;
using K8Posture.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Gives the demo a 90-day history: daily snapshots before today, derived from the demo's current open counts with
/// a believable shape (more open findings two months ago, a clean-up sprint, a new scanner onboarded). Today's snapshot
/// is written by the real snapshot job right after the contributors.
/// </summary>
public sealed class LandscapeDemoSeed : IDemoSeedContributor
{
    public const int HistoryDays = 89;

    public int Order => 100;

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var current = await db.Findings.AsNoTracking()
            .Where(f => f.Status == FindingStatus.Open)
            .GroupBy(f => new { f.OwnerTeamId, f.Category, f.Severity })
            .Select(g => new { g.Key.OwnerTeamId, g.Key.Category, g.Key.Severity, Count = g.Count() })
            .ToListAsync(cancellationToken);
        if (current.Count == 0 || await db.LandscapeSnapshots.AnyAsync(s => s.Day < today, cancellationToken))
        {
            return;
        }
        for (var daysAgo = HistoryDays; daysAgo >= 1; daysAgo--)
        {
            var factor = Shape(daysAgo);
            foreach (var c in current)
            {
                // Misconfigurations arrived with the cluster scanners 30 days ago; before that only image scans reported.
                var count = c.Category != FindingCategory.Vulnerability && daysAgo > 30 ? 0 : (int)Math.Round(c.Count * factor);
                if (count > 0)
                {
                    db.LandscapeSnapshots.Add(new LandscapeSnapshot
                    {
                        Day = today.AddDays(-daysAgo),
                        TeamId = c.OwnerTeamId,
                        Category = c.Category,
                        Severity = c.Severity,
                        OpenCount = count,
                    });
                }
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>1.35 ninety days ago, down to 0.9 after a clean-up sprint 45 days ago, drifting back up to 1.0 today.</summary>
    private static double Shape(int daysAgo) => daysAgo switch
    {
        > 50 => 1.35 - (HistoryDays - daysAgo) * 0.005,
        > 40 => 1.15 - (50 - daysAgo) * 0.025,
        _ => 0.9 + (40 - daysAgo) * 0.0025,
    };
}
