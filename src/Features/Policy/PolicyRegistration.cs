using K8Posture.Features.Rules;

namespace K8Posture.Features.Policy;

public static class PolicyRegistration
{
    public static IServiceCollection AddPolicyEngine(this IServiceCollection services)
    {
        services.AddSingleton<RuleCatalogue>();
        services.AddSingleton<PolicyEvaluator>();
        services.AddScoped<PolicyStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapPolicyEngineEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRulesEndpoints();
        endpoints.MapPolicyEndpoints();
        return endpoints;
    }
}
