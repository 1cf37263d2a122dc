using Microsoft.AspNetCore.Http.HttpResults;
using K8Posture.Features.Ingestion;
using K8Posture.Security;
using K8Posture.Shared;
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
            .AcceptsAnyContentType("The export as the tool wrote it (JSON, nmap XML, CSV), with any Content-Type.")
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

    private static async Task<Ok<InventoryOutcome>> IngestAsync(HttpContext context, InventoryIngestor ingestor, IOptions<IngestionOptions> options,
        string? format, string? team, string? pipeline, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(options.Value.MaxPayloadBytes, 0, Array.MaxLength);
        var payload = await RawRequestBody.ReadRequiredAsync(context, limit, "export", "raise Ingestion:MaxPayloadBytes, or split it",
            "send the inventory export as the body.", cancellationToken);
        return TypedResults.Ok(await ingestor.IngestAsync(payload, new InventoryPushOptions(format, team, pipeline), cancellationToken));
    }
}
