using Hangfire;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Jobs;

/// <summary>
/// Once a day, counts open findings by team × category × severity into LandscapeSnapshot rows for the trend charts.
/// Idempotent: running it twice on one day replaces that day's rows.
/// </summary>
public sealed class LandscapeSnapshotJob(IDbContextFactory<K8PostureDbContext> contexts, DataScope scope, TimeProvider clock, ILogger<LandscapeSnapshotJob> logger)
{
    public const string RecurringId = "landscape-snapshot";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:landscape-snapshot");
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.Findings.AsNoTracking()
            .Where(f => f.Status == FindingStatus.Open)
            .GroupBy(f => new { f.OwnerTeamId, f.Category, f.Severity })
            .Select(g => new { g.Key.OwnerTeamId, g.Key.Category, g.Key.Severity, Count = g.Count() })
            .ToListAsync(cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LandscapeSnapshots.Where(s => s.Day == day).ExecuteDeleteAsync(cancellationToken);
        db.LandscapeSnapshots.AddRange(counts.Select(c => new LandscapeSnapshot
        {
            Day = day,
            TeamId = c.OwnerTeamId,
            Category = c.Category,
            Severity = c.Severity,
            OpenCount = c.Count,
        }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Landscape snapshot for {Day}: {Rows} rows", day, counts.Count);
        return counts.Count;
    }
}
