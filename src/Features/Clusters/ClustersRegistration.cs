namespace K8Posture.Features.Clusters;

public static class ClustersRegistration
{
    public static IServiceCollection AddClusters(this IServiceCollection services) => services
        .AddSingleton<ClusterConnections>()
        .AddScoped<ClusterService>()
        .AddScoped<ClusterRuleFindings>()
        .AddScoped<K8Posture.Features.Demo.IDemoSeedContributor, DemoClusterRules>()
        .AddScoped<ClusterCollectionJob>()
        .AddScoped<ClusterScheduleSyncJob>();
}
