using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.Data;

public enum DatabaseProvider { Sqlite, SqlServer }

public static class DataRegistration
{
    public const string ConnectionStringName = "K8Posture";

    public static DatabaseProvider GetDatabaseProvider(this IConfiguration configuration) =>
        configuration["Database:Provider"] switch
        {
            null or "" or "Sqlite" or "sqlite" => DatabaseProvider.Sqlite,
            "SqlServer" or "sqlserver" => DatabaseProvider.SqlServer,
            var other => throw new InvalidOperationException($"Database:Provider '{other}' is not supported; use Sqlite or SqlServer."),
        };

    /// <summary>The connection string, with a relative SQLite file resolved against the content root and its folder created.</summary>
    public static string GetK8PostureConnectionString(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.");
        if (builder.Configuration.GetDatabaseProvider() != DatabaseProvider.Sqlite)
        {
            return configured;
        }
        var sqlite = new SqliteConnectionStringBuilder(configured);
        if (sqlite.DataSource is { Length: > 0 } file && file != ":memory:" && !sqlite.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(builder.Environment.ContentRootPath, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            sqlite.DataSource = path;
        }
        return sqlite.ToString();
    }

    /// <summary>
    /// Turns EF Core's "row limiting operator ('Skip'/'Take') without an 'OrderBy'" warning into an exception: such a
    /// query returns whichever rows the database happens to read first, which can differ between runs and providers.
    /// </summary>
    public static TBuilder FailOnUnorderedRowLimits<TBuilder>(this TBuilder options) where TBuilder : DbContextOptionsBuilder
    {
        options.ConfigureWarnings(w => w.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning));
        return options;
    }

    private static readonly SqliteWriterGateInterceptor WriterGate = new();

    public static WebApplicationBuilder AddK8PostureData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.GetK8PostureConnectionString();
        // Development, where every test runs the app, fails on an unordered Skip/Take; elsewhere it stays a logged warning.
        var strictQueries = builder.Environment.IsDevelopment();
        builder.Services.AddScoped<DataScope>();
        var sqliteBusySeconds = Math.Clamp(builder.Configuration.GetValue("Database:SqliteBusyTimeoutSeconds", 120), 1, 3600);
        switch (builder.Configuration.GetDatabaseProvider())
        {
            case DatabaseProvider.Sqlite:
                builder.Services.AddDbContextFactory<SqliteK8PostureDbContext>(
                    o =>
                    {
                        // On SQLite the command timeout is how long a statement waits for another process's lock before SQLITE_BUSY (→ 503).
                        o.UseSqlite(connectionString, s => s.CommandTimeout(sqliteBusySeconds));
                        o.AddInterceptors(WriterGate);
                        if (strictQueries)
                        {
                            o.FailOnUnorderedRowLimits();
                        }
                    }, ServiceLifetime.Scoped);
                builder.Services.AddScoped<IDbContextFactory<K8PostureDbContext>>(sp =>
                    new ProviderContextFactory<SqliteK8PostureDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteK8PostureDbContext>>()));
                builder.Services.AddDataProtection().SetApplicationName("K8Posture").PersistKeysToDbContext<SqliteK8PostureDbContext>();
                break;
            case DatabaseProvider.SqlServer:
                builder.Services.AddDbContextFactory<SqlServerK8PostureDbContext>(
                    o =>
                    {
                        o.UseSqlServer(connectionString, s => s.EnableRetryOnFailure());
                        if (strictQueries)
                        {
                            o.FailOnUnorderedRowLimits();
                        }
                    }, ServiceLifetime.Scoped);
                builder.Services.AddScoped<IDbContextFactory<K8PostureDbContext>>(sp =>
                    new ProviderContextFactory<SqlServerK8PostureDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerK8PostureDbContext>>()));
                builder.Services.AddDataProtection().SetApplicationName("K8Posture").PersistKeysToDbContext<SqlServerK8PostureDbContext>();
                break;
        }
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>Applies pending migrations. Development does it at start; production runs <c>migrate</c> as a deployment step.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:migrate");
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets the pages read while an ingest writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
