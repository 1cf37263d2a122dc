using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Vex;

public static class VexRegistration
{
    public static IServiceCollection AddVex(this IServiceCollection services)
    {
        services.AddScoped<VexService>();
        services.AddSingleton<IFindingPushFollowUp, VexPushFollowUp>();
        return services;
    }

    public static IEndpointRouteBuilder MapVex(this IEndpointRouteBuilder endpoints) => endpoints.MapVexApi();
}
