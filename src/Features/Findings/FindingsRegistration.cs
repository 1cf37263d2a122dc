using K8Posture.Features.Reports;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8Posture.Features.Findings;

public static class FindingsRegistration
{
    public static IServiceCollection AddFindings(this IServiceCollection services)
    {
        services.AddScoped<FindingsQuery>();
        services.AddScoped<FindingDetails>();
        services.AddScoped<SavedViewService>();
        services.AddScoped<IExportSource, FindingsExportSource>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<K8Posture.Data.AuditLog>();
        return services;
    }

    public static IEndpointRouteBuilder MapFindings(this IEndpointRouteBuilder endpoints) => endpoints
        .MapFindingsApi()
        .MapSavedViewEndpoints();
}
