using K8Posture.Jobs;

namespace K8Posture.Features.Reports;

public static class ReportsRegistration
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddReportsPolicies();
        services.AddScoped<ExecutiveReportService>();
        services.AddScoped<ExecutiveReportJob>();
        services.AddRecurringJob<ExecutiveReportJob>(ExecutiveReportJob.RecurringId, job => job.RunAsync(CancellationToken.None), ExecutiveReportJob.Schedule);
        services.AddScoped<IExecutiveReportSection, HeadlineKpisSection>();
        services.AddScoped<IExecutiveReportSection, FindingsByCategorySection>();
        services.AddScoped<IExecutiveReportSection, OpenFindingsTrendSection>();
        services.AddScoped<IExecutiveReportSection, SlaByTeamSection>();
        services.AddScoped<IExecutiveReportSection, TopRisksSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder endpoints) => endpoints
        .MapExportEndpoints()
        .MapExecutiveReportEndpoints();
}
