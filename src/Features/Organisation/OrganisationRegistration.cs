namespace K8Posture.Features.Organisation;

public static class OrganisationRegistration
{
    public static IServiceCollection AddOrganisation(this IServiceCollection services) => services
        .AddScoped<OrganisationService>()
        .AddScoped<OrganisationImport>();

    public static IEndpointRouteBuilder MapOrganisation(this IEndpointRouteBuilder endpoints) => OrganisationEndpoints.Map(endpoints)
        .MapOrganisationAsCode();
}
