namespace K8Posture.Features.Rules;

public static class RulesRegistration
{
    public static IServiceCollection AddRules(this IServiceCollection services) => services
        .AddSingleton<RuleCatalogue>()
        .AddSingleton<PolicyEvaluator>();

    public static IEndpointRouteBuilder MapRules(this IEndpointRouteBuilder endpoints) => endpoints.MapRulesEndpoints();
}
