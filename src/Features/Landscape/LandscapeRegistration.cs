using Microsoft.Extensions.DependencyInjection.Extensions;
using K8Posture.Features.Demo;

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
        return services;
    }
}
