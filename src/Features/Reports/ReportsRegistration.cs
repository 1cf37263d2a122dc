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
        // Extension points: the Governance and Remediation slices replace these by registering an
        // IExecutiveReportSection with the same key (ExecutiveReportSections.RaciGaps, …).
        services.AddScoped<IExecutiveReportSection>(_ => new PlaceholderReportSection(
            ExecutiveReportSections.RaciGaps, ExecutiveReportSections.RaciGapsOrder, "RACI gaps",
            "Ownership gaps (namespaces and clusters without an accountable team) are not tracked in this installation yet."));
        services.AddScoped<IExecutiveReportSection>(_ => new PlaceholderReportSection(
            ExecutiveReportSections.TenancyDecisions, ExecutiveReportSections.TenancyDecisionsOrder, "Tenancy decisions",
            "Tenancy assessments and their decisions are not recorded in this installation yet."));
        services.AddScoped<IExecutiveReportSection>(_ => new PlaceholderReportSection(
            ExecutiveReportSections.RiskAcceptancesNearExpiry, ExecutiveReportSections.RiskAcceptancesNearExpiryOrder, "Risk acceptances near expiry",
            "Time-bound risk acceptances are not recorded in this installation yet."));
        return services;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder endpoints) => endpoints
        .MapExportEndpoints()
        .MapExecutiveReportEndpoints();
}
