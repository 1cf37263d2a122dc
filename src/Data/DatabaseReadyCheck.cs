using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8Posture.Data;

/// <summary>
/// /readyz: the database answers a query and, on SQLite, would take a write now (another process holding the file's
/// lock makes every push wait and fail). The reason is ours (<see cref="DatabaseFaults"/>), never a connection detail.
/// </summary>
internal sealed class DatabaseReadyCheck(IDbContextFactory<K8PostureDbContext> factory) : IHealthCheck
{
    private static readonly TimeSpan WriteProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.");
            }
            // Reading a table proves more than opening a connection: the file is a database, the schema is there.
            await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite() ? "SELECT count(*) FROM sqlite_master" : "SELECT 1", cancellationToken);
            if (db.Database.IsSqlite() && await SqliteWriterGate.ProbeAsync(db, WriteProbeTimeout, cancellationToken) is { } writeProblem)
            {
                return HealthCheckResult.Unhealthy(writeProblem);
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(DatabaseFaults.Classify(ex)?.Reason ?? "The database cannot be reached.", ex);
        }
    }
}
