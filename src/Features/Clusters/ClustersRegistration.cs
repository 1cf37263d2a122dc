namespace K8Posture.Features.Clusters;

public static class ClustersRegistration
{
    public static IServiceCollection AddClusters(this IServiceCollection services) => services
        .AddSingleton<ClusterConnections>()
        .AddScoped<ClusterService>()
        .AddScoped<ClusterCollectionJob>()
        .AddScoped<ClusterScheduleSyncJob>();
}
