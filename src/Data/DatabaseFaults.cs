using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace K8Posture.Data;

public enum DatabaseFaultKind { Unavailable, Full }

/// <summary>The database failed in a way that is not the request's fault: it is away (locked, unreachable, failing over) or its disk is full.</summary>
public sealed record DatabaseFault(DatabaseFaultKind Kind, string Reason);

/// <summary>
/// Tells the database going away (503, try again later) and a full disk (507) from any other failure, whatever wraps them
/// (EF's DbUpdateException, the SQL Server execution strategy's RetryLimitExceededException). The reasons are ours, so
/// no server name or connection detail is echoed.
/// </summary>
public static class DatabaseFaults
{
    // SQL Server: 1105 a filegroup is full, 9002 the transaction log is full, 1101 no more pages in the filegroup.
    private static readonly HashSet<int> SqlServerFull = [1101, 1105, 9002];

    // SQL Server and Azure SQL errors that mean "not now" rather than "not this": timeouts, lost connections, failovers, throttling.
    private static readonly HashSet<int> SqlServerAway = [-2, 2, 20, 53, 64, 121, 233, 4060, 4221, 10053, 10054, 10060, 10928, 10929, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920];

    public static DatabaseFault? Classify(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode switch
                    {
                        13 => new DatabaseFault(DatabaseFaultKind.Full, "The database's disk is full (SQLITE_FULL)."),
                        5 or 6 => new DatabaseFault(DatabaseFaultKind.Unavailable, "The database is locked by another process (SQLITE_BUSY)."),
                        14 => new DatabaseFault(DatabaseFaultKind.Unavailable, "The database file cannot be opened (SQLITE_CANTOPEN)."),
                        10 => new DatabaseFault(DatabaseFaultKind.Unavailable, "The database file could not be read or written (SQLITE_IOERR)."),
                        8 => new DatabaseFault(DatabaseFaultKind.Unavailable, "The database file is read-only (SQLITE_READONLY)."),
                        _ => null,
                    };
                case SqlException sql when sql.Errors.Cast<SqlError>().Any(e => SqlServerFull.Contains(e.Number)):
                    return new DatabaseFault(DatabaseFaultKind.Full, $"The database is out of space (SQL Server error {sql.Number}).");
                case SqlException sql when sql.Errors.Cast<SqlError>().Any(e => SqlServerAway.Contains(e.Number)) || sql.Class >= 20:
                    return new DatabaseFault(DatabaseFaultKind.Unavailable, $"The database cannot be reached or is failing over (SQL Server error {sql.Number}).");
                case RetryLimitExceededException retried when Classify(retried.InnerException) is null:
                    return new DatabaseFault(DatabaseFaultKind.Unavailable, "The database kept failing with transient errors.");
            }
        }
        return null;
    }

    /// <summary>Our reason for a database fault, else the exception's own message.</summary>
    public static string Describe(Exception exception) => Classify(exception)?.Reason ?? exception.Message;
}

/// <summary>A write that failed because the database did; names the batch that kept the payload, when there is one.</summary>
public sealed class DatabaseFaultException(DatabaseFault fault, long? batchId, Exception inner) : Exception(fault.Reason, inner)
{
    public DatabaseFault Fault { get; } = fault;
    public long? BatchId { get; } = batchId;
}
