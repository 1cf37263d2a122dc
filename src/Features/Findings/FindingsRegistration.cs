namespace K8Posture.Features.Findings;

public static class FindingsRegistration
{
    public static IServiceCollection AddFindings(this IServiceCollection services) => services.AddScoped<FindingsQuery>();

    public static IEndpointRouteBuilder MapFindingsEndpoints(this IEndpointRouteBuilder endpoints) => endpoints.MapFindingsApi();
}
