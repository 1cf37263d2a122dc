using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Security;

namespace K8Posture.Features.Ingestion;

public static class IngestionRegistration
{
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.SectionName);
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName);
        services.AddScanParser<TrivyJsonParser>();
        services.AddAdditionalScanParsers();
        services.AddSingleton<ScanFormatDetector>();
        services.AddSingleton<FindingStore>();
        services.AddSingleton<IngestPipeline>();
        services.AddScoped<IScanIngestor, ScanIngestor>();
        services.AddOptions<PushRecoveryOptions>().BindConfiguration(PushRecoveryOptions.SectionName);
        services.AddScoped<PushRecoveryJob>();
        services.AddHostedService<PushRecoveryAtStart>();
        return services;
    }

    /// <summary>Registers a report format; the detector tries parsers in registration order.</summary>
    public static IServiceCollection AddScanParser<TParser>(this IServiceCollection services)
        where TParser : class, IScanParser
    {
        services.AddSingleton<IScanParser, TParser>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/ingest")
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("Ingestion");
        group.MapIngestScans();
        return endpoints;
    }
}
