using Hangfire;
using K8Posture.Features.Demo;
using K8Posture.Jobs;

namespace K8Posture.Features.Clusters;

public static class ClustersRegistration
{
    public static IServiceCollection AddClusters(this IServiceCollection services) => services
        .AddSingleton<ClusterConnections>()
        .AddScoped<ClusterService>()
        .AddScoped<ClusterRuleFindings>()
        .AddScoped<IDemoSeedContributor, DemoClusterRules>()
        .AddScoped<ClusterCollectionJob>()
        .AddScoped<WorkloadExposureStore>()
        .AddScoped<ClusterScheduleSyncJob>()
        // Each cluster's own collection job is scheduled when the cluster is saved; this hourly pass repairs drift.
        .AddRecurringJob<ClusterScheduleSyncJob>(ClusterScheduleSyncJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Hourly(5));

    public static IEndpointRouteBuilder MapClusters(this IEndpointRouteBuilder endpoints) => endpoints.MapClusterEndpoints();
}
