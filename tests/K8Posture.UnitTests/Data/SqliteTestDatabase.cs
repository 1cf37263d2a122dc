using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.UnitTests.Data;

/// <summary>A real SQLite file in a temp folder, migrated like production, deleted afterwards.</summary>
public sealed class SqliteTestDatabase : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("k8p-unit-").FullName;

    public string ConnectionString => $"Data Source={Path.Combine(_folder, "k8posture.db")};Pooling=False";

    public SqliteK8PostureDbContext Open(DataScope scope) =>
        new(new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite(ConnectionString).FailOnUnorderedRowLimits().Options, scope);

    public static DataScope SystemScope()
    {
        var scope = new DataScope();
        scope.SetSystem("test");
        return scope;
    }

    public async Task<SqliteTestDatabase> MigrateAsync()
    {
        await using var db = Open(SystemScope());
        await db.Database.MigrateAsync();
        return this;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing on a slow machine: the temp folder is cleaned by the OS.
        }
        return ValueTask.CompletedTask;
    }
}
