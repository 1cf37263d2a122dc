using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.UnitTests.Data;

public sealed class MigrationsFacts
{
    [Fact]
    public void Sqlite_context_has_no_pending_model_changes()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run dotnet ef migrations add for SqliteK8PostureDbContext.");
    }

    [Fact]
    public void Sql_server_context_has_no_pending_model_changes()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run dotnet ef migrations add for SqlServerK8PostureDbContext.");
    }

    [Fact]
    public async Task Migrating_an_empty_sqlite_file_creates_the_schema()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using var db = database.Open(SqliteTestDatabase.SystemScope());

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Findings.CountAsync());
        var tables = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToListAsync();
        Assert.Contains("Findings", tables);
        Assert.Contains("IngestBatches", tables);
        Assert.Contains("AuditEvents", tables);
    }

    [Fact]
    public void Both_providers_share_one_model()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var sqliteTables = sqlite.Model.GetEntityTypes().Select(e => e.GetTableName()).Order().ToList();
        var sqlServerTables = sqlServer.Model.GetEntityTypes().Select(e => e.GetTableName()).Order().ToList();
        Assert.Equal(sqliteTables, sqlServerTables);
    }
}
