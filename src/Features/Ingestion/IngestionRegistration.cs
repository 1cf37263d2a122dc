namespace K8Posture.Features.Ingestion;

public static class IngestionRegistration
{
    public static IServiceCollection AddIngestion(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
