using Hangfire;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Ingestion.Recovery;
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
        builder.Services.AddScoped<LandscapeSnapshotJob>();
        return builder;
    }

    public static WebApplication UseK8PostureJobs(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<LandscapeSnapshotJob>(LandscapeSnapshotJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(0, 15));
        recurring.AddOrUpdate<ClusterScheduleSyncJob>(ClusterScheduleSyncJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Hourly(5));
        var recovery = app.Configuration.GetSection(PushRecoveryOptions.SectionName).Get<PushRecoveryOptions>() ?? new PushRecoveryOptions();
        recurring.AddOrUpdate<PushRecoveryJob>(PushRecoveryJob.RecurringId, job => job.RunAsync(CancellationToken.None), recovery.Schedule);
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.SecurityAdmin, "/hangfire", new DashboardOptions
        {
            DashboardTitle = "K8Posture jobs",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        });
        return app;
    }
}
