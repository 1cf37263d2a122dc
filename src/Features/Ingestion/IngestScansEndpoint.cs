using K8Posture.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Ingestion;

/// <summary><c>POST /api/v1/ingest/scans</c>: raw scanner output in, counts out; bad input becomes RFC 9457 problem details, never a 500.</summary>
public static class IngestScansEndpoint
{
    public static RouteGroupBuilder MapIngestScans(this RouteGroupBuilder group)
    {
        group.MapPost("/scans", HandleAsync)
            .WithName("IngestScans")
            .WithSummary("Push a scan report")
            .WithDescription("The body is the scanner's raw output (any content type). The format is detected from the content unless format= names it. "
                + "The push fully describes its scope (derived from the report, or scope=): findings of that scope missing from it are closed, returning ones reopened.")
            .Accepts<byte[]>("application/json", "application/octet-stream", "text/plain")
            .Produces<IngestOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return group;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        IScanIngestor ingestor,
        IOptions<IngestionOptions> options,
        string? format,
        string? cluster,
        string? scope,
        string? team,
        string? pipeline,
        string? commit,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxPayloadBytes;
        var body = await ReadBodyAsync(context, limit, cancellationToken);
        if (body is null)
        {
            return Results.Problem(
                title: "Payload too large",
                detail: $"The report is larger than the {limit} bytes this service accepts (Ingestion:MaxPayloadBytes); split the scan or raise the limit.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        if (body.Value.IsEmpty)
        {
            return Results.Problem(title: "Empty payload", detail: "The request body is empty; send the scanner's report as the body.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var outcome = await ingestor.IngestAsync(body.Value, new ScanPushOptions(format, cluster, scope, team, pipeline, commit), cancellationToken);
            return Results.Ok(outcome);
        }
        catch (IngestRejectedException ex)
        {
            var extensions = new Dictionary<string, object?>();
            if (ex.BatchId is { } batchId)
            {
                extensions["batchId"] = batchId;
            }
            if (ex.Pointer is { } pointer)
            {
                extensions["pointer"] = pointer;
            }
            return Results.Problem(title: ex.Title, detail: ex.Message, statusCode: ex.StatusCode, extensions: extensions);
        }
    }

    /// <summary>The whole body in memory, or null when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }
        // The server's own default (30 MB) would cut bodies below the configured limit; this endpoint enforces its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }
        using var buffer = new MemoryStream(context.Request.ContentLength is { } length and > 0 ? (int)Math.Min(length, int.MaxValue) : 64 * 1024);
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
