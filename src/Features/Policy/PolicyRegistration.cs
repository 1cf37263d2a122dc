namespace K8Posture.Features.Policy;

public static class PolicyRegistration
{
    public static IServiceCollection AddPolicy(this IServiceCollection services) => services.AddScoped<PolicyStore>();

    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder endpoints) => endpoints
        .MapPolicyEndpoints()
        .MapEvaluateEndpoints();
}
