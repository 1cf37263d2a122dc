using K8Posture.Data;
using K8Posture.Features.Audit;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Audit;

/// <summary>The audit log cannot be rewritten: not through the app's DbContext, not with raw SQL on the real SQLite file.</summary>
public sealed class AuditLogAppendOnlyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<long> RecordOneAsync() => await app.AsSystemAsync(async services =>
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        var audit = services.GetRequiredService<AuditLog>().Record(db, "test.append-only", "Test", Guid.NewGuid().ToString("N"), after: new { Value = 1 });
        await db.SaveChangesAsync();
        return audit.Id;
    });

    private SqliteConnection OpenWritable()
    {
        var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    [Fact]
    public async Task The_sqlite_trigger_refuses_an_update()
    {
        var id = await RecordOneAsync();
        using var connection = OpenWritable();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE AuditEvents SET Actor = 'someone-else' WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);

        var refused = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Actor = 'someone-else'"));
    }

    [Fact]
    public async Task The_sqlite_trigger_refuses_a_delete()
    {
        var id = await RecordOneAsync();
        using var connection = OpenWritable();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM AuditEvents WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);

        var refused = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Id = $id", ("$id", id)));
    }

    [Fact]
    public async Task The_triggers_are_in_the_migrated_schema()
    {
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = $n", ("$n", AuditLogProtection.SqliteUpdateTrigger)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = $n", ("$n", AuditLogProtection.SqliteDeleteTrigger)));
    }

    [Fact]
    public async Task The_db_context_refuses_to_save_a_modified_or_deleted_audit_event()
    {
        var id = await RecordOneAsync();
        await app.WithDbAsync(async db =>
        {
            var audit = await db.AuditEvents.SingleAsync(a => a.Id == id);
            audit.Actor = "someone-else";
            await Assert.ThrowsAsync<AuditLogAppendOnlyException>(() => db.SaveChangesAsync());
            Assert.Throws<AuditLogAppendOnlyException>(() => db.SaveChanges());
            db.ChangeTracker.Clear();

            db.AuditEvents.Remove(await db.AuditEvents.SingleAsync(a => a.Id == id));
            await Assert.ThrowsAsync<AuditLogAppendOnlyException>(() => db.SaveChangesAsync());
            return 0;
        });
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Id = $id AND Actor <> 'someone-else'", ("$id", id)));
    }

    [Fact]
    public async Task Bulk_updates_and_deletes_that_bypass_the_change_tracker_hit_the_trigger()
    {
        var id = await RecordOneAsync();
        await app.WithDbAsync(async db =>
        {
            await Assert.ThrowsAsync<SqliteException>(() => db.AuditEvents.Where(a => a.Id == id).ExecuteDeleteAsync());
            await Assert.ThrowsAsync<SqliteException>(() => db.AuditEvents.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Action, "rewritten")));
            return 0;
        });
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Id = $id AND Action = 'test.append-only'", ("$id", id)));
    }
}
