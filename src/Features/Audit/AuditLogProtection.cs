using Microsoft.EntityFrameworkCore.Migrations;

namespace K8Posture.Features.Audit;

/// <summary>
/// Database-side append-only protection of AuditEvents, applied by the ReportsAndAudit migration (one line in Up and
/// Down), so the guarantee does not depend on the application being the only writer.
/// SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). SQL Server: one INSTEAD OF UPDATE, DELETE trigger
/// that THROWs. Note for future migrations: a SQLite table rebuild of AuditEvents drops its triggers — call
/// <see cref="Up"/> again at the end of such a migration.
/// </summary>
public static class AuditLogProtection
{
    public const string SqliteUpdateTrigger = "AuditEvents_RefuseUpdate";
    public const string SqliteDeleteTrigger = "AuditEvents_RefuseDelete";
    public const string SqlServerTrigger = "AuditEvents_AppendOnly";

    public const string SqliteUp = $"""
        CREATE TRIGGER IF NOT EXISTS "{SqliteUpdateTrigger}" BEFORE UPDATE ON "AuditEvents"
        BEGIN SELECT RAISE(ABORT, 'AuditEvents is append-only: an audit event cannot be updated.'); END;
        CREATE TRIGGER IF NOT EXISTS "{SqliteDeleteTrigger}" BEFORE DELETE ON "AuditEvents"
        BEGIN SELECT RAISE(ABORT, 'AuditEvents is append-only: an audit event cannot be deleted.'); END;
        """;

    public const string SqliteDown = $"""
        DROP TRIGGER IF EXISTS "{SqliteUpdateTrigger}";
        DROP TRIGGER IF EXISTS "{SqliteDeleteTrigger}";
        """;

    /// <summary>The trigger body. CREATE TRIGGER must open its batch, so <see cref="SqlServerUp"/> runs it through EXEC —
    /// which also keeps it valid inside the IF blocks of an idempotent migration script.</summary>
    public const string SqlServerCreateTrigger = $"""
        CREATE TRIGGER [{SqlServerTrigger}] ON [AuditEvents] INSTEAD OF UPDATE, DELETE
        AS
        BEGIN
            SET NOCOUNT ON;
            THROW 51000, 'AuditEvents is append-only: audit events cannot be updated or deleted.', 1;
        END
        """;

    public static string SqlServerUp => "EXEC(N'" + SqlServerCreateTrigger.Replace("'", "''", StringComparison.Ordinal) + "');";

    public const string SqlServerDown = $"DROP TRIGGER IF EXISTS [{SqlServerTrigger}];";

    public static void Up(MigrationBuilder migrationBuilder)
    {
        if (IsSqlite(migrationBuilder))
        {
            migrationBuilder.Sql(SqliteUp);
        }
        else if (IsSqlServer(migrationBuilder))
        {
            migrationBuilder.Sql(SqlServerUp);
        }
    }

    public static void Down(MigrationBuilder migrationBuilder)
    {
        if (IsSqlite(migrationBuilder))
        {
            migrationBuilder.Sql(SqliteDown);
        }
        else if (IsSqlServer(migrationBuilder))
        {
            migrationBuilder.Sql(SqlServerDown);
        }
    }

    private static bool IsSqlite(MigrationBuilder migrationBuilder) =>
        migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite";

    private static bool IsSqlServer(MigrationBuilder migrationBuilder) =>
        migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer";
}
