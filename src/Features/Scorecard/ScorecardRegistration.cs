namespace K8Posture.Features.Scorecard;

public static class ScorecardRegistration
{
    public static IServiceCollection AddScorecard(this IServiceCollection services) => services
        .AddScoped<ScorecardService>()
        .AddScoped<IScorecardSection, TenancySection>()
        .AddScoped<IScorecardSection, PublicCloudSection>()
        .AddScoped<IScorecardSection, RegistrySection>()
        .AddScoped<IScorecardSection, VulnerabilitySection>()
        .AddScoped<IScorecardSection, LearningSection>()
        .AddScoped<IScorecardSection, GovernanceSection>()
        .AddScoped<IScorecardSection, InventorySection>()
        .AddScoped<IScorecardSection, DetectionSection>();

    public static IEndpointRouteBuilder MapScorecard(this IEndpointRouteBuilder endpoints) => endpoints.MapScorecardEndpoints();
}
