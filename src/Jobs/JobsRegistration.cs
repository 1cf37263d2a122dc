using Hangfire;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.Data.Sqlite;

namespace K8Posture.Jobs;

public static class JobsRegistration
{
    public static WebApplicationBuilder AddK8PostureJobs(this WebApplicationBuilder builder)
    {
        var storage = builder.Configuration["Hangfire:Storage"];
        var connectionString = builder.GetK8PostureConnectionString();
        var provider = builder.Configuration.GetDatabaseProvider();

        builder.Services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(new DisposalTolerantLogProvider(sp.GetRequiredService<ILoggerFactory>()));
            switch (storage)
            {
                case "InMemory":
                    config.UseInMemoryStorage();
                    break;
                case null or "" when provider == DatabaseProvider.SqlServer:
                case "SqlServer":
                    config.UseSqlServerStorage(connectionString, new SqlServerStorageOptions { PrepareSchemaIfNecessary = true });
                    break;
                default:
                    // Its own file beside the database: Hangfire's polling must not contend with ingestion's write lock.
                    var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
                    var hangfireFile = Path.Combine(Path.GetDirectoryName(dataSource) ?? ".", Path.GetFileNameWithoutExtension(dataSource) + ".hangfire.db");
                    config.UseSQLiteStorage(hangfireFile, new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(5) });
                    break;
            }
        });
        if (builder.Configuration.GetValue("Hangfire:Server", true))
        {
            builder.Services.AddHangfireServer(o => o.WorkerCount = Math.Max(2, Environment.ProcessorCount));
        }
        return builder;
    }

    public static WebApplication UseK8PostureJobs(this WebApplication app)
    {
        // Each slice asked for its own recurring jobs in its registration (AddRecurringJob).
        app.Services.ScheduleRecurringJobs();
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.SecurityAdmin, "/hangfire", new DashboardOptions
        {
            DashboardTitle = "K8Posture jobs",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        });
        return app;
    }
}
