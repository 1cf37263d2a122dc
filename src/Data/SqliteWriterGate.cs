using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

/// <summary>
/// SQLite has one writer at a time anyway: one gate for every writer of the process (scans, alerts, inventory, jobs) means
/// no busy retries, no "database is locked", and no fingerprint race between two writers of one scope. Only another
/// process holding the file's lock can make a write wait; <see cref="ProbeAsync"/> tells whether one does.
/// </summary>
public static class SqliteWriterGate
{
    // One gate per database file: the process normally has one, but two apps in one process (tests) must not share a gate.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Writers = new(StringComparer.Ordinal);

    /// <summary>The gate of the database file <paramref name="db"/> writes to.</summary>
    public static SemaphoreSlim For(K8PostureDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        // A private in-memory database (":memory:" or no file) has no path: its connection string names it.
        var file = connection.DataSource is { Length: > 0 } source && source != ":memory:" ? Path.GetFullPath(source) : connection.ConnectionString;
        return Writers.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>
    /// Null when a write could start now, else why not. While one of this process's writes runs the file is ours and
    /// nothing is probed, so readiness never waits for a long push nor makes it wait.
    /// </summary>
    public static async Task<string?> ProbeAsync(K8PostureDbContext db, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var writer = For(db);
        if (!await writer.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return null;
        }
        try
        {
            db.Database.SetCommandTimeout(timeout);
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("ROLLBACK", cancellationToken);
            return null;
        }
        catch (SqliteException ex) when (DatabaseFaults.Classify(ex) is { } fault)
        {
            return fault.Reason + " Writes cannot start: pushes answer 503 until the lock is released.";
        }
        finally
        {
            writer.Release();
            await db.Database.CloseConnectionAsync();
        }
    }
}
