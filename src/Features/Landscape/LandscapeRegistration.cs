using Hangfire;
using K8Posture.Features.Demo;
using K8Posture.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8Posture.Features.Landscape;

public static class LandscapeRegistration
{
    public static IServiceCollection AddLandscape(this IServiceCollection services)
    {
        services.AddScoped<LandscapeQueries>();
        services.AddScoped<SetupChecklist>();
        services.AddSingleton<LandscapeCubeRefresher>();
        services.AddSingleton<RuntimeSignalsChangeNotifier>();
        // The alerts slice replaces this with its own source (services.Replace or a later AddSingleton).
        services.TryAddScoped<ILandscapeSignalSource, NoRuntimeSensorData>();
        services.AddScoped<IDemoSeedContributor, LandscapeDemoSeed>();
        services.AddScoped<LandscapeSnapshotJob>();
        services.AddRecurringJob<LandscapeSnapshotJob>(LandscapeSnapshotJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(0, 15));
        return services;
    }

    public static IEndpointRouteBuilder MapLandscape(this IEndpointRouteBuilder endpoints) => endpoints.MapPostureApi();
}
