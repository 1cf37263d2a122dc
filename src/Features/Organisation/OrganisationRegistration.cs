namespace K8Posture.Features.Organisation;

public static class OrganisationRegistration
{
    public static IServiceCollection AddOrganisation(this IServiceCollection services) => services.AddScoped<OrganisationService>();

    public static IEndpointRouteBuilder MapOrganisationEndpoints(this IEndpointRouteBuilder endpoints) => OrganisationEndpoints.Map(endpoints);
}
