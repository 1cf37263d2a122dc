using Hangfire;
using K8Posture.Features.Alerts.Parsing;
using K8Posture.Features.Alerts.Siem;
using K8Posture.Features.Demo;
using K8Posture.Features.Landscape;
using K8Posture.Features.Reports;
using K8Posture.Jobs;

namespace K8Posture.Features.Alerts;

public static class AlertsRegistration
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        // Tried in this order; each parser's shape check is exclusive of the others'.
        services.AddSingleton<IAlertParser, StackRoxAlertParser>();
        services.AddSingleton<IAlertParser, StackRoxSplunkViolationsParser>();
        services.AddSingleton<IAlertParser, CrowdStrikeAlertParser>();
        services.AddSingleton<IAlertParser, FalcoAlertParser>();
        services.AddSingleton<AlertPayloadParser>();
        services.AddSingleton<AlertsChangeNotifier>();
        services.AddScoped<AlertIngestor>();
        services.AddScoped<AlertsQuery>();
        services.AddScoped<AlertTriageService>();
        services.AddScoped<AlertSuppressionService>();
        services.AddOptions<SplunkHecOptions>().BindConfiguration(SplunkHecOptions.SectionName);
        services.AddHttpClient(SiemForwardingJob.HttpClientName);
        services.AddScoped<SiemForwardingJob>();
        // Forwarding runs every minute; it does nothing until Siem:SplunkHec is enabled and configured.
        services.AddRecurringJob<SiemForwardingJob>(SiemForwardingJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        services.AddScoped<SiemOutboxService>();
        services.AddScoped<IDemoSeedContributor, AlertsDemoSeedContributor>();
        services.AddScoped<IExportSource, AlertsExportSource>();
        services.AddScoped<ILandscapeSignalSource, AlertsLandscapeSignals>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder endpoints) => endpoints
        .MapIngestAlerts()
        .MapAlertsApi();
}
