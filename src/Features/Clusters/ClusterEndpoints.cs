using K8Posture.Shared.Http;
using K8Posture.Features.Admin;
using K8Posture.Features.Rules;
using K8Posture.Security;

namespace K8Posture.Features.Clusters;

public sealed record RefreshQueuedResponse(string Cluster, string JobId);

/// <summary><c>/api/v1/clusters</c>: register (kubeconfig or token), list, test and refresh clusters.</summary>
public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/clusters").WithTags("Clusters");

        group.MapGet("", async (ClusterService clusters, CancellationToken ct) => TypedResults.Ok(await clusters.ListAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListClusters")
            .WithSummary("Clusters visible to the caller, with their collection status (never their connection secret)")
            .Produces<List<ClusterDto>>();

        group.MapPost("", async Task<IResult> (RegisterClusterRequest request, ClusterService clusters, CancellationToken ct) =>
            {
                var result = await clusters.SaveAsync(request, ct);
                if (result.Errors is not null)
                {
                    return TypedResults.ValidationProblem(result.Errors, title: "Invalid cluster registration",
                        detail: "Fix the fields listed in errors; the connection secret was not stored.");
                }
                return result.Created
                    ? TypedResults.Json(result.Cluster, statusCode: StatusCodes.Status201Created)
                    : TypedResults.Ok(result.Cluster);
            })
            .RequireAuthorization(Policies.ApiAdmin)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("RegisterCluster")
            .WithSummary("Register or update a cluster by name")
            .WithDescription("Give a kubeconfig (and optionally the context to use), or serverUrl + token (+ caCertificate PEM). The secret is encrypted at rest and never returned. "
                + "Kubeconfigs with exec or auth-provider users, or file references, are refused. The cluster's refresh is scheduled every refreshIntervalMinutes (default 15).")
            .Produces<ClusterDto>(StatusCodes.Status201Created)
            .Produces<ClusterDto>()
            .ProducesValidationProblem();

        group.MapPost("/{name}/refresh", async (string name, ClusterService clusters, CancellationToken ct) =>
                await clusters.EnqueueRefreshAsync(name, ct) is { } jobId
                    ? TypedResults.Json(new RefreshQueuedResponse(name, jobId), statusCode: StatusCodes.Status202Accepted)
                    : throw ProblemException.NotFound("Unknown cluster", $"No registered cluster named '{name}' with a connection; register it with POST /api/v1/clusters."))
            .RequireAuthorization(Policies.ApiAdmin)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("RefreshCluster")
            .WithSummary("Queue a refresh of the cluster now")
            .Produces<RefreshQueuedResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{name}", async (string name, ClusterService clusters, CancellationToken ct) =>
                await clusters.UnregisterAsync(name, ct) is { } result
                    ? TypedResults.Ok(result)
                    : throw ProblemException.NotFound("Unknown cluster", $"No managed cluster named '{name}'."))
            .RequireAuthorization(Policies.ApiAdmin)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("UnregisterCluster")
            .WithSummary("Stop managing a cluster")
            .WithDescription("Removes the refresh schedule and the stored connection; the cluster stays as unmanaged with its history. "
                + "Findings open in its scope (cluster:<name>) are closed, one recorded batch per source. Answers the closed counts per source.")
            .Produces<ClusterUnregistered>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{name}/test", async (string name, ClusterService clusters, CancellationToken ct) =>
                await clusters.TestStoredAsync(name, ct) is { } result
                    ? TypedResults.Ok(result)
                    : throw ProblemException.NotFound("Unknown cluster", $"No registered cluster named '{name}'."))
            .RequireAuthorization(Policies.ApiAdmin)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("TestClusterConnection")
            .WithSummary("Call the cluster's /version with its stored connection (10 s timeout)")
            .Produces<ConnectionTestResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}
