using K8Posture.Features.Reports;

namespace K8Posture.Features.Audit;

public static class AuditRegistration
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddAuditPolicies();
        services.AddScoped<AuditLogReader>();
        services.AddScoped<IExportSource, AuditLogExportSource>();
        return services;
    }
}
