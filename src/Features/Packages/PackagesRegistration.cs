using K8Posture.Features.Ingestion;
using K8Posture.Jobs;

namespace K8Posture.Features.Packages;

public static class PackagesRegistration
{
    public static IServiceCollection AddPackages(this IServiceCollection services)
    {
        services.AddScoped<PackageWatchEvaluator>();
        services.AddScoped<PackageInventoryStore>();
        services.AddScoped<IScanPushContributor>(provider => provider.GetRequiredService<PackageInventoryStore>());
        services.AddScoped<PackageWatchService>();
        services.AddScoped<PackagesQuery>();
        // Pushes and collections evaluate the watches as they land; the schedule catches what those missed (a failed evaluation, a namespace owner changed).
        services.AddRecurringJob<PackageWatchEvaluator>(PackageWatchEvaluator.RecurringId, job => job.RunAsync(CancellationToken.None), "25 * * * *");
        return services;
    }

    public static IEndpointRouteBuilder MapPackages(this IEndpointRouteBuilder endpoints) => endpoints.MapPackagesApi();
}
