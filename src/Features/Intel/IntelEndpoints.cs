using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Security;
using K8Posture.Shared;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Intel;

/// <summary>The feed in force of each kind (<c>GET /api/v1/intel</c>).</summary>
public sealed record IntelFeedStatus(string Feed, string? Version, DateOnly? FeedDate, int Rows, DateTimeOffset LoadedAt, string LoadedBy);

/// <summary><c>POST /api/v1/intel/{kev|epss}</c>, <c>GET /api/v1/intel</c> and <c>GET /api/v1/fix-first</c>.</summary>
public static class IntelEndpoints
{
    public static IEndpointRouteBuilder MapIntelApi(this IEndpointRouteBuilder endpoints)
    {
        var push = endpoints.MapGroup("/api/v1/intel")
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("Exploit intelligence");
        push.MapPost("/kev", (HttpContext context, IntelFeedLoader loader, DataScope scope, IOptions<IntelOptions> options, CancellationToken ct) =>
                LoadAsync(context, scope, options.Value, "CISA KEV catalog", loader.LoadKevAsync, ct))
            .WithName("LoadKevCatalog")
            .WithSummary("Load the CISA Known Exploited Vulnerabilities catalog")
            .WithDescription("The body is CISA's known_exploited_vulnerabilities.json as published. It replaces the catalog in force and re-scores every finding in one transaction; a bad file is refused whole (problem details naming the JSON pointer) and changes nothing. The catalog is organisation-wide: a team-bound key gets 403.")
            .AcceptsAnyContentType("known_exploited_vulnerabilities.json")
            .Produces<IntelLoadOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        push.MapPost("/epss", (HttpContext context, IntelFeedLoader loader, DataScope scope, IOptions<IntelOptions> options, CancellationToken ct) =>
                LoadAsync(context, scope, options.Value, "EPSS scores file", loader.LoadEpssAsync, ct))
            .WithName("LoadEpssScores")
            .WithSummary("Load FIRST EPSS scores")
            .WithDescription("The body is FIRST's epss_scores-YYYY-MM-DD.csv (plain or gzipped) with its #model_version:…,score_date:… first line and the header cve,epss,percentile. It replaces the scores in force and re-scores every finding in one transaction; a bad file is refused whole (problem details naming the line and field) and changes nothing. Team-bound keys get 403.")
            .AcceptsAnyContentType("epss_scores-YYYY-MM-DD.csv or .csv.gz")
            .Produces<IntelLoadOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        endpoints.MapGet("/api/v1/intel", async (IDbContextFactory<K8PostureDbContext> contexts, CancellationToken ct) =>
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                var latest = await db.IntelFeedLoads.AsNoTracking()
                    .Where(l => l.Id == db.IntelFeedLoads.Where(x => x.Kind == l.Kind).Max(x => x.Id))
                    .OrderBy(l => l.Kind).ToListAsync(ct);
                return TypedResults.Ok(latest.Select(l => new IntelFeedStatus(l.Kind.ToString().ToUpperInvariant(), l.Version, l.FeedDate, l.Rows, l.LoadedAt, l.LoadedBy)).ToList());
            })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("IntelFeeds").WithTags("Exploit intelligence")
            .WithSummary("The KEV and EPSS feeds in force (version, date, rows, when and by whom loaded)");

        endpoints.MapGet("/api/v1/fix-first", async Task<Results<Ok<FixFirstView>, ValidationProblem>> (FixFirstQuery query, string? team, int? top, CancellationToken ct) =>
            {
                if (top is < 1 or > FixFirstQuery.MaxTop)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"top is from 1 to {FixFirstQuery.MaxTop}."] });
                }
                var view = await query.GetAsync(string.IsNullOrWhiteSpace(team) ? null : team.Trim(), top ?? FixFirstQuery.DefaultTop, ct);
                return TypedResults.Ok(view ?? throw ProblemException.NotFound("Unknown team", $"No team named '{team}' is visible to you."));
            })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("FixFirst").WithTags("Exploit intelligence")
            .WithSummary("The top of the priority ordering, for the organisation (the caller's scope) and per team")
            .WithDescription("Open findings without a verdict, by priority (0–100, README \"Exploit intelligence and Fix first\"), each with its inputs. team= narrows to one team; top is at most 200.");
        return endpoints;
    }

    private static async Task<IResult> LoadAsync(HttpContext context, DataScope scope, IntelOptions options, string what,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task<IntelLoadOutcome>> load, CancellationToken cancellationToken)
    {
        if (!scope.SeesAllTeams)
        {
            throw ProblemException.Forbidden($"The {what} applies to every team; load it with a key that is not bound to a team.", title: "Organisation-wide feed");
        }
        var body = await RawRequestBody.ReadAsync(context, Math.Clamp(options.MaxFeedBytes, 0, Array.MaxLength), what, "raise Intel:MaxFeedBytes", cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (body.Payload.IsEmpty)
        {
            throw ProblemException.BadRequest("Empty payload", $"The request body is empty; send the {what} as the body.");
        }
        try
        {
            return TypedResults.Ok(await load(body.Payload, cancellationToken));
        }
        catch (IngestRejectedException ex)
        {
            return ex.ToProblem();
        }
    }
}
