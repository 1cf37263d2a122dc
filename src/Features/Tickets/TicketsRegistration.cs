using K8Posture.Jobs;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Tickets;

public static class TicketsRegistration
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.SectionName);
        services.AddSingleton<TicketConnectionSecrets>();
        services.AddHttpClient<JiraRemote>();
        services.AddHttpClient<AzureDevOpsRemote>();
        services.AddTransient<TicketRemotes>();
        services.AddScoped<TicketAdminService>();
        services.AddScoped<TicketPlanner>();
        services.AddScoped<TicketInboundSync>();
        services.AddScoped<TicketOutboxService>();
        services.AddScoped<TicketWebhookService>();
        services.AddScoped<TicketOutboxJob>();
        services.AddScoped<TicketReconciliationJob>();
        services.AddSingleton<Ingestion.IFindingClosedFollowUp, TicketPushFollowUp>();
        services.AddRecurringJob<TicketOutboxJob>(TicketOutboxJob.RecurringId, job => job.RunAsync(CancellationToken.None),
            provider => provider.GetRequiredService<IOptions<TicketOptions>>().Value.OutboxSchedule);
        // Webhooks make sync fast; this pass repairs whatever a missed webhook or downtime left out of step.
        services.AddRecurringJob<TicketReconciliationJob>(TicketReconciliationJob.RecurringId, job => job.RunAsync(CancellationToken.None),
            provider => provider.GetRequiredService<IOptions<TicketOptions>>().Value.ReconcileSchedule);
        return services;
    }

    public static IEndpointRouteBuilder MapTickets(this IEndpointRouteBuilder endpoints) => endpoints.MapTicketEndpoints();
}
