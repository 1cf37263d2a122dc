namespace K8Posture.Features.Scorecard;

public static class ScorecardEndpoints
{
    public static IEndpointRouteBuilder MapScorecardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/scorecard", async (ScorecardService scorecard, CancellationToken ct) =>
                Results.Json(await scorecard.GetAsync(ct), K8Posture.Features.Rules.RulesEndpoints.Json))
            .RequireAuthorization(K8Posture.Security.Policies.ApiRead)
            .WithTags("Scorecard")
            .WithName("GetScorecard")
            .WithSummary("The study guide's questions answered with the caller's evidence: status (Covered, Gap, Unknown), evidence and a link")
            .Produces<ScorecardView>();
        return endpoints;
    }
}
