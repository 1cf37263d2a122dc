using K8Posture.Shared.Http;
namespace K8Posture.Features.Scorecard;

public static class ScorecardRegistration
{
    public static IServiceCollection AddScorecard(this IServiceCollection services) => services
        .AddScoped<ScorecardService>()
        .AddScoped<TenancySection>()
        .AddScoped<PublicCloudSection>()
        .AddScoped<RegistrySection>()
        .AddScoped<VulnerabilitySection>()
        .AddScoped<LearningSection>()
        .AddScoped<GovernanceSection>()
        .AddScoped<InventorySection>()
        .AddScoped<DetectionSection>();

    public static IEndpointRouteBuilder MapScorecard(this IEndpointRouteBuilder endpoints) => endpoints.MapScorecardEndpoints();
}
