using K8Posture.Data;
using K8Posture.Features.Demo;
using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Gives the demo its 90-day history: both trend snapshots (landscape open counts and remediation figures) for the days
/// before today, rebuilt from the demo findings' first-seen and closed dates with the shared definitions — the same
/// back-fill a real installation gets — so the trends end where today's live figures stand, with no invented shape.
/// Today's snapshots are written by the real jobs right after the contributors.
/// </summary>
public sealed class LandscapeDemoSeed : IDemoSeedContributor
{
    public const int HistoryDays = PostureSnapshots.BackfillDays;

    /// <summary>After the remediation seed, which ages the findings and spreads their closures over time.</summary>
    public int Order => 100;

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!await db.Findings.AnyAsync(cancellationToken) || await db.LandscapeSnapshots.AnyAsync(s => s.Day < today, cancellationToken))
        {
            return;
        }
        // Replace: anything an earlier contributor wrote for these days was not built from the findings.
        await PostureSnapshots.BackfillAsync(db, today.AddDays(-HistoryDays), today.AddDays(-1), replace: true, cancellationToken);
    }
}
