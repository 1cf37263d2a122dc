using Hangfire;
using K8Posture.Features.Demo;
using K8Posture.Features.Reports;
using K8Posture.Jobs;

namespace K8Posture.Features.Remediation;

public static class RemediationRegistration
{
    public static IServiceCollection AddRemediation(this IServiceCollection services)
    {
        services.AddOptions<RemediationOptions>().BindConfiguration(RemediationOptions.SectionName);
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName);
        services.AddScoped<RemediationService>();
        services.AddScoped<RiskAcceptanceService>();
        services.AddScoped<IExecutiveReportSection, RiskAcceptanceReportSection>();
        services.AddScoped<NotificationTargetService>();
        services.AddScoped<RemediationQueries>();
        services.AddScoped<RiskAcceptanceExpiryJob>();
        services.AddScoped<RemediationMetricsJob>();
        services.AddScoped<SlaBreachNotificationJob>();
        services.AddRecurringJob<RemediationMetricsJob>(RemediationMetricsJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(0, 20));
        services.AddRecurringJob<RiskAcceptanceExpiryJob>(RiskAcceptanceExpiryJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(0, 30));
        services.AddRecurringJob<SlaBreachNotificationJob>(SlaBreachNotificationJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(7, 0));
        services.AddScoped<IDigestSender, SmtpDigestSender>();
        services.AddScoped<IDigestSender, SlackDigestSender>();
        services.AddScoped<IDigestSender, TeamsDigestSender>();
        // Webhooks get no redirects (a redirect could carry the digest elsewhere) and a short timeout.
        services.AddHttpClient(SlackDigestSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(20))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddSingleton<RuleScopeCoverage>();
        services.AddHostedService(sp => sp.GetRequiredService<RuleScopeCoverage>());
        services.AddScoped<IExportSource, RiskAcceptanceExportSource>();
        services.AddScoped<IExportSource, TeamPostureExportSource>();
        services.AddScoped<IDemoSeedContributor, RemediationDemoSeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapRemediation(this IEndpointRouteBuilder endpoints) => endpoints.MapRemediationEndpoints();
}
