using Hangfire;
using K8Posture.Features.Demo;
using K8Posture.Jobs;

namespace K8Posture.Features.Landscape;

public static class LandscapeRegistration
{
    public static IServiceCollection AddLandscape(this IServiceCollection services)
    {
        services.AddScoped<LandscapeQueries>();
        services.AddScoped<SetupChecklist>();
        services.AddSingleton<LandscapeCubeRefresher>();
        services.AddSingleton<RuntimeSignalsChangeNotifier>();
        services.AddScoped<IDemoSeedContributor, LandscapeDemoSeed>();
        services.AddScoped<LandscapeSnapshotJob>();
        services.AddRecurringJob<LandscapeSnapshotJob>(LandscapeSnapshotJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(0, 15));
        return services;
    }

    public static IEndpointRouteBuilder MapLandscape(this IEndpointRouteBuilder endpoints) => endpoints.MapPostureApi();
}
