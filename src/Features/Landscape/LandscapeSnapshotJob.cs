using Hangfire;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Once a day, counts open findings (<see cref="K8Posture.Shared.PostureDefinitions.IsOpen"/>) by team × category × severity into LandscapeSnapshot rows for the trend charts.
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
        var rows = await PostureSnapshots.LandscapeRowsAsync(db.Findings.AsNoTracking(), day, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LandscapeSnapshots.Where(s => s.Day == day).ExecuteDeleteAsync(cancellationToken);
        db.LandscapeSnapshots.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Landscape snapshot for {Day}: {Rows} rows", day, rows.Count);
        return rows.Count;
    }
}
