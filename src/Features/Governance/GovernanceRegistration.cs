using Hangfire;
using K8Posture.Features.Demo;
using K8Posture.Features.Raci;
using K8Posture.Features.Reports;
using K8Posture.Features.Tenancy;

namespace K8Posture.Features.Governance;

public static class GovernanceRegistration
{
    public static IServiceCollection AddGovernance(this IServiceCollection services)
    {
        services.AddSingleton<GovernanceChangeNotifier>();
        services.AddScoped<RaciService>();
        services.AddScoped<TenancyService>();
        services.AddScoped<TenancyMismatchJob>();
        services.AddScoped<GovernanceOverviewQuery>();
        services.AddScoped<IDemoSeedContributor, GovernanceDemoSeed>();
        services.AddScoped<IExportSource, RaciExportSource>();
        services.AddScoped<IExportSource, TenancyAssessmentExportSource>();
        services.AddScoped<IExecutiveReportSection, RaciGapsReportSection>();
        services.AddScoped<IExecutiveReportSection, TenancyDecisionsReportSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRaciEndpoints();
        endpoints.MapTenancyEndpoints();
        // Clusters change tenancy and namespaces change owners outside this slice; an hourly pass catches what approval did not.
        endpoints.ServiceProvider.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<TenancyMismatchJob>(TenancyMismatchJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Hourly(35));
        return endpoints;
    }
}
