namespace K8Posture.Features.Teams;

public static class TeamsRegistration
{
    public static IServiceCollection AddTeams(this IServiceCollection services) => services.AddScoped<TeamQueries>();
}
