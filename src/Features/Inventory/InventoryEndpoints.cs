using System.IO.Compression;
using K8Posture.Features.Ingestion;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Inventory;

/// <summary>The JSON shape of <c>GET /api/v1/inventory</c>.</summary>
public sealed record InventoryApiPage(int Total, int Page, int PageSize, IReadOnlyList<InventoryRow> Items);

public static class InventoryEndpoints
{
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapInventoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/ingest/inventory", IngestAsync)
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithName("IngestInventory")
            .WithTags("Ingestion")
            .WithSummary("Push an inventory export")
            .WithDescription("az aks list / ARM ManagedClusters JSON, aws eks describe-cluster JSON (one or a list), GKE clusters list JSON, nmap -oX XML, "
                + "the MDM desktops CSV or the proxy/flow egress CSV (layouts in the README). format= (aks-json, eks-json, gke-json, nmap-xml, mdm-csv, egress-csv) "
                + "skips detection; team= names the owner team; Content-Encoding gzip, deflate or br accepted.")
            .Accepts<byte[]>("application/json", "application/xml", "text/csv", "application/octet-stream")
            .Produces<InventoryOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        endpoints.MapGet("/api/v1/inventory", ListAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListInventory")
            .WithTags("Inventory")
            .WithSummary("Inventory records visible to the caller, paged")
            .WithDescription("page is 1-based; pageSize at most 500; kind is CloudCluster, NetworkEndpoint, Desktop or EgressPull; discovered=true lists what matches no registered cluster; q searches name, host, endpoint, user and cloud account.");
        return endpoints;
    }

    private static async Task<IResult> ListAsync(InventoryQueries queries, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null, string? kind = null, bool? discovered = null, string? q = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["page is 1-based: use 1 or more."];
        }
        if (pageSize is < 1 or > InventoryQueries.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {InventoryQueries.MaxPageSize}."];
        }
        InventoryKind? parsedKind = null;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            if (Enum.TryParse<InventoryKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(kind, out _))
            {
                parsedKind = k;
            }
            else
            {
                errors["kind"] = [$"'{kind}' is not a kind; use one of {string.Join(", ", Enum.GetNames<InventoryKind>())}."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: "Invalid query parameter(s): " + string.Join(", ", errors.Keys) + ".", title: "Invalid query parameter");
        }
        var effectivePage = page ?? 1;
        var effectiveSize = pageSize ?? DefaultPageSize;
        var result = await queries.ListAsync(new InventoryCriteria(parsedKind, discovered, q), effectivePage - 1, effectiveSize, cancellationToken);
        return TypedResults.Ok(new InventoryApiPage(result.Total, effectivePage, effectiveSize, result.Items));
    }

    private static async Task<IResult> IngestAsync(HttpContext context, InventoryIngestor ingestor, IOptions<IngestionOptions> options,
        string? format, string? team, string? pipeline, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(options.Value.MaxPayloadBytes, 0, Array.MaxLength);
        var (payload, problem) = await ReadBodyAsync(context, limit, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        try
        {
            return Results.Ok(await ingestor.IngestAsync(payload, new InventoryPushOptions(format, team, pipeline), cancellationToken));
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
            return Results.Problem(title: ex.Title, detail: ex.Pointer is null ? ex.Message : $"{ex.Message} (at {ex.Pointer})", statusCode: ex.StatusCode, extensions: extensions);
        }
    }

    /// <summary>The body, decoded when Content-Encoding says so, with the limit applied to the decoded size while reading.</summary>
    private static async Task<(byte[] Payload, IResult? Problem)> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var tooLarge = Results.Problem(title: "Payload too large",
            detail: $"The export is larger than the {limit} bytes this service accepts (Ingestion:MaxPayloadBytes, after decompression); split it.",
            statusCode: StatusCodes.Status413PayloadTooLarge);
        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip" or "x-gzip" or "deflate" or "br"))
        {
            return ([], Results.Problem(title: "Unsupported content encoding",
                detail: $"Content-Encoding '{encoding}' is not supported; send the export plain or with gzip, deflate or br.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return ([], tooLarge);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }
        try
        {
            await using var decoded = encoding switch
            {
                "gzip" or "x-gzip" => new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "deflate" => new ZLibStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "br" => new BrotliStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                _ => (Stream?)null,
            };
            var stream = decoded ?? context.Request.Body;
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return ([], tooLarge);
                }
                buffer.Write(chunk, 0, read);
            }
            if (buffer.Length == 0)
            {
                return ([], Results.Problem(title: "Empty payload", detail: "The request body is empty; send the inventory export as the body.", statusCode: StatusCodes.Status400BadRequest));
            }
            return (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], tooLarge);
        }
        catch (InvalidDataException ex)
        {
            return ([], Results.Problem(title: "Malformed content encoding", detail: $"The body is not valid {encoding} data: {ex.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
    }
}
