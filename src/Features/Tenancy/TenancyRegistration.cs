using Hangfire;
using K8Posture.Features.Reports;
using K8Posture.Jobs;

namespace K8Posture.Features.Tenancy;

public static class TenancyRegistration
{
    public static IServiceCollection AddTenancy(this IServiceCollection services) => services
        .AddSingleton<TenancyChangeNotifier>()
        .AddScoped<TenancyService>()
        .AddScoped<TenancyMismatchJob>()
        // Clusters change tenancy and namespaces change owners outside this slice; an hourly pass catches what approval did not.
        .AddRecurringJob<TenancyMismatchJob>(TenancyMismatchJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Hourly(35))
        .AddScoped<IExportSource, TenancyAssessmentExportSource>()
        .AddScoped<IExecutiveReportSection, TenancyDecisionsReportSection>();

    public static IEndpointRouteBuilder MapTenancy(this IEndpointRouteBuilder endpoints) => endpoints.MapTenancyEndpoints();
}
