using K8Posture.Features.Ingestion;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Alerts;

/// <summary><c>POST /api/v1/ingest/alerts</c>: sensor alerts in, counts out; bad input becomes RFC 9457 problem details.</summary>
public static class IngestAlertsEndpoint
{
    public static IEndpointRouteBuilder MapIngestAlerts(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/ingest/alerts", HandleAsync)
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("Ingestion")
            .WithName("IngestAlerts")
            .WithSummary("Push runtime alerts")
            .WithDescription("The body is the sensor's JSON, detected by its shape: Falco json_output (one object, an array or NDJSON), the falcosidekick webhook, "
                + "StackRox/ACS alerts (an alert, the generic webhook's {\"alert\": …}, {\"alerts\": […]}), StackRox Central's Splunk add-on feed (/api/splunk/ta/violations: one alert per violation, deduplicated by violationId), CrowdStrike Falcon event-stream detections. "
                + "cluster= names (or overrides) the cluster. The answer counts received, created, duplicates (same sensor id, or same rule/cluster/pod/container/process within a minute), suppressed (stored but hidden by the Security Team's policy) and ignored (non-detection events).")
            .AcceptsAnyContentType("The sensor's alert JSON or NDJSON, with any Content-Type.")
            .Produces<AlertIngestOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, AlertIngestor ingestor, IOptions<IngestionOptions> options, string? cluster, string? pipeline, CancellationToken cancellationToken)
    {
        if (ResourceNames.ClusterParameterProblem(cluster) is { } badCluster)
        {
            return badCluster;
        }
        var limit = Math.Clamp(options.Value.MaxPayloadBytes, 0, Array.MaxLength);
        var payload = await RawRequestBody.ReadRequiredAsync(context, limit, "alert payload", "raise Ingestion:MaxPayloadBytes, or split it",
            "send the sensor's alert JSON as the body.", cancellationToken);
        return TypedResults.Ok(await ingestor.IngestAsync(payload, new AlertPushOptions(cluster, pipeline), cancellationToken));
    }
}
