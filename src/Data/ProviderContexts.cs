using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace K8Posture.Data;

/// <summary>The embedded default provider. SQLite cannot order or compare DateTimeOffset, so it is stored as a sortable integer (all values are UTC).</summary>
public sealed class SqliteK8PostureDbContext(DbContextOptions<SqliteK8PostureDbContext> options, DataScope scope)
    : K8PostureDbContext(options, scope)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The production provider (Azure SQL / SQL Server).</summary>
public sealed class SqlServerK8PostureDbContext(DbContextOptions<SqlServerK8PostureDbContext> options, DataScope scope)
    : K8PostureDbContext(options, scope);

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteK8PostureDbContext>
{
    public SqliteK8PostureDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite("Data Source=design-time.db").Options, new DataScope());
}

public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerK8PostureDbContext>
{
    public SqlServerK8PostureDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerK8PostureDbContext>().UseSqlServer("Server=.;Database=K8Posture;Trusted_Connection=True;TrustServerCertificate=True").Options, new DataScope());
}

/// <summary>Hands out contexts of the configured provider as the shared base type, bound to the caller's scope.</summary>
internal sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<K8PostureDbContext>
    where TContext : K8PostureDbContext
{
    public K8PostureDbContext CreateDbContext() => inner.CreateDbContext();
}
