using System.Buffers;
using System.IO.Compression;
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
            .WithDescription("The body is the scanner's raw output (any content type; Content-Encoding gzip, deflate or br accepted). The format is detected from the content unless format= names it. "
                + "The push fully describes its scope (derived from the report, or scope=): findings of that scope missing from it are closed, returning ones reopened.")
            .Accepts<byte[]>("application/json", "application/octet-stream", "text/plain")
            .Produces<IngestOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
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
        if (ResourceNames.ClusterParameterProblem(cluster) is { } badCluster)
        {
            return badCluster;
        }
        // One contiguous array holds the report for the parsers, so no configuration can ask for more than an array holds.
        var limit = Math.Clamp(options.Value.MaxPayloadBytes, 0, Array.MaxLength);
        var body = await ReadBodyAsync(context, limit, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (body.Payload.IsEmpty)
        {
            return Results.Problem(title: "Empty payload", detail: "The request body is empty; send the scanner's report as the body.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var outcome = await ingestor.IngestAsync(body.Payload, new ScanPushOptions(format, cluster, scope, team, pipeline, commit), cancellationToken);
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

    internal readonly record struct Body(ReadOnlyMemory<byte> Payload, IResult? Problem);

    private const int SegmentSize = 1024 * 1024;

    /// <summary>
    /// The whole body as bytes (never a string), decoded when Content-Encoding says gzip, deflate or br; the limit applies to
    /// the decoded size while reading, so neither a missing Content-Length nor a zip bomb gets past it. With a Content-Length
    /// and no encoding the body is read into one array of that size; otherwise into 1 MB pooled segments joined once at the end.
    /// </summary>
    internal static async Task<Body> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var tooLarge = new Body(default, Results.Problem(
            title: "Payload too large",
            detail: $"The report is larger than the {limit} bytes this service accepts (Ingestion:MaxPayloadBytes, after decompression); split the scan or raise the limit.",
            statusCode: StatusCodes.Status413PayloadTooLarge));
        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        var encoded = encoding is not ("" or "identity");
        if (encoded && encoding is not ("gzip" or "x-gzip" or "deflate" or "br"))
        {
            return new Body(default, Results.Problem(
                title: "Unsupported content encoding",
                detail: $"Content-Encoding '{encoding}' is not supported; send the report plain or with gzip, deflate or br.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return tooLarge;
        }
        // The server's own default (30 MB) would cut bodies below the configured limit; this endpoint enforces its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var segments = new List<byte[]>();
        try
        {
            if (!encoded && context.Request.ContentLength is { } length)
            {
                var exact = new byte[length];
                var filled = 0;
                int read;
                while (filled < exact.Length && (read = await context.Request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
                {
                    filled += read;
                }
                return new Body(exact.AsMemory(0, filled), null);
            }

            await using var decoded = encoding switch
            {
                "gzip" or "x-gzip" => new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "deflate" => new ZLibStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "br" => new BrotliStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                _ => (Stream?)null,
            };
            var stream = decoded ?? context.Request.Body;
            long total = 0;
            while (true)
            {
                var segment = ArrayPool<byte>.Shared.Rent(SegmentSize);
                segments.Add(segment);
                var filled = 0;
                int read;
                while (filled < SegmentSize && (read = await stream.ReadAsync(segment.AsMemory(filled, SegmentSize - filled), cancellationToken)) > 0)
                {
                    filled += read;
                    total += read;
                    if (total > limit)
                    {
                        return tooLarge;
                    }
                }
                if (filled < SegmentSize)
                {
                    var body = new byte[total];
                    var offset = 0;
                    foreach (var full in segments)
                    {
                        var count = (int)Math.Min(SegmentSize, total - offset);
                        full.AsSpan(0, count).CopyTo(body.AsSpan(offset));
                        offset += count;
                    }
                    return new Body(body, null);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (InvalidDataException ex)
        {
            return new Body(default, Results.Problem(
                title: "Malformed content encoding",
                detail: $"The body is not valid {encoding} data: {ex.Message}",
                statusCode: StatusCodes.Status400BadRequest));
        }
        finally
        {
            foreach (var segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }
}
