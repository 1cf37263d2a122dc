using K8Posture.Features.Demo;

namespace K8Posture.Features.Governance;

/// <summary>The governance overview over the RACI and Tenancy slices, and what both share (change notices, the demo story).</summary>
public static class GovernanceRegistration
{
    public static IServiceCollection AddGovernance(this IServiceCollection services) => services
        .AddSingleton<GovernanceChangeNotifier>()
        .AddScoped<GovernanceOverviewQuery>()
        .AddScoped<IDemoSeedContributor, GovernanceDemoSeed>();
}
