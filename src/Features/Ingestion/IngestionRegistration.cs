using K8Posture.Features.Ingestion.Batches;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Jobs;
using K8Posture.Security;

namespace K8Posture.Features.Ingestion;

public static class IngestionRegistration
{
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.SectionName);
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName);
        // The detector tries parsers in this order: Trivy JSON first; the others' content sniffs do not overlap.
        services.AddScanParser<TrivyJsonParser>();
        services.AddScanParser<SarifParser>();
        services.AddScanParser<GrypeJsonParser>();
        services.AddScanParser<KubeBenchParser>();
        services.AddScanParser<KubescapeParser>();
        services.AddScanParser<TrivyK8sParser>();
        services.AddScanParser<TrivyOperatorParser>();
        services.AddScanParser<PolicyReportParser>();
        services.AddScanParser<CycloneDxParser>();
        services.AddScanParser<SpdxJsonParser>();
        services.AddSingleton<ScanFormatDetector>();
        services.AddSingleton<FindingStore>();
        services.AddSingleton<IngestPipeline>();
        services.AddScoped<ScanIngestor>();
        services.AddScoped<IngestBatchQueries>();
        services.AddOptions<PushRecoveryOptions>().BindConfiguration(PushRecoveryOptions.SectionName);
        services.AddScoped<PushRecoveryJob>();
        services.AddRecurringJob<PushRecoveryJob>(PushRecoveryJob.RecurringId, job => job.RunAsync(CancellationToken.None),
            provider => provider.GetRequiredService<IConfiguration>().GetSection(PushRecoveryOptions.SectionName).Get<PushRecoveryOptions>()?.Schedule ?? new PushRecoveryOptions().Schedule);
        // Not a schedule: one recovery pass as soon as the app has started.
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

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/v1/ingest")
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("Ingestion")
            .MapIngestScans();
        endpoints.MapIngestBatchEndpoints();
        return endpoints;
    }
}
