namespace K8Posture.Features.Scorecard;

public static class ScorecardEndpoints
{
    public static IEndpointRouteBuilder MapScorecardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/scorecard", async (ScorecardService scorecard, CancellationToken ct) =>
                TypedResults.Ok(await scorecard.GetAsync(ct)))
            .RequireAuthorization(K8Posture.Security.Policies.ApiRead)
            .WithTags("Scorecard")
            .WithName("GetScorecard")
            .WithSummary("The study guide's questions answered with the caller's evidence: status (Covered, Gap, Unknown), evidence and a link")
            .Produces<ScorecardView>();
        return endpoints;
    }
}
