using K8Posture.Features.Reports;

namespace K8Posture.Features.Raci;

public static class RaciRegistration
{
    public static IServiceCollection AddRaci(this IServiceCollection services) => services
        .AddSingleton<RaciChangeNotifier>()
        .AddScoped<RaciService>()
        .AddScoped<IExportSource, RaciExportSource>()
        .AddScoped<IExecutiveReportSection, RaciGapsReportSection>();

    public static IEndpointRouteBuilder MapRaci(this IEndpointRouteBuilder endpoints) => endpoints.MapRaciEndpoints();
}
