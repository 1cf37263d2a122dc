using K8Posture.Features.Demo;

namespace K8Posture.Features.Governance;

/// <summary>The governance overview over the RACI and Tenancy slices (it follows their change notifiers), and their shared demo story.</summary>
public static class GovernanceRegistration
{
    public static IServiceCollection AddGovernance(this IServiceCollection services) => services
        .AddScoped<GovernanceOverviewQuery>()
        .AddScoped<IDemoSeedContributor, GovernanceDemoSeed>();
}
