using System.Security.Claims;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Findings;

public sealed record SaveViewRequest(string? Name, string? QueryString, bool Shared);

/// <summary><c>/api/v1/saved-views</c>: a person's saved findings views (their own plus the Security Team's shared ones).</summary>
public static class SavedViewEndpoints
{
    public static IEndpointRouteBuilder MapSavedViewEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/saved-views").WithTags("Findings").RequireAuthorization(Policies.Reader);
        group.MapGet("", async (SavedViewService views, CancellationToken ct) => TypedResults.Ok(await views.ListAsync(ct)))
            .WithSummary("The caller's saved findings views and the shared ones");
        group.MapPost("", SaveAsync).WithSummary("Save (or replace, by name) one of the caller's views");
        group.MapDelete("/{id:int}", async Task<Results<NoContent, NotFound>> (int id, SavedViewService views, CancellationToken ct) =>
                await views.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete one of the caller's views");
        return endpoints;
    }

    private static async Task<Ok<SavedViewRow>> SaveAsync(SaveViewRequest request, SavedViewService views, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(await views.SaveAsync(user, request.Name, request.QueryString, request.Shared, cancellationToken));
}
