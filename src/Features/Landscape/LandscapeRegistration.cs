namespace K8Posture.Features.Landscape;

public static class LandscapeRegistration
{
    public static IServiceCollection AddLandscape(this IServiceCollection services) => services.AddScoped<LandscapeQueries>();
}
