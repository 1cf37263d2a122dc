using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>The posture figures of one owner team (team null, name "Unowned": the findings no team owns).</summary>
public sealed record PostureFiguresDto(
    string? Team,
    int Open,
    int Overdue,
    int Owned,
    int Unowned,
    double? OwnedSharePercent,
    int Remediated,
    int RemediatedOnTime,
    int RemediatedLate,
    double? SlaCompliancePercent,
    double? MttrDays)
{
    public static PostureFiguresDto From(string? team, PostureFigures f) => new(
        team, f.Open, f.Overdue, f.Owned, f.Unowned, Round(f.OwnedSharePercent), f.Remediated, f.RemediatedOnTime, f.RemediatedLate,
        Round(f.SlaCompliancePercent), Round(f.MttrDays));

    // One decimal, as every page and the executive report show them.
    private static double? Round(double? value) => PostureFigures.OneDecimal(value);
}

/// <summary>The JSON shape of <c>GET /api/v1/posture</c>.</summary>
public sealed record PostureApiResponse(
    DateTimeOffset AsOf,
    DateTimeOffset WindowStart,
    int WindowDays,
    PostureFiguresDto Total,
    IReadOnlyList<PostureFiguresDto> ByTeam,
    IReadOnlyDictionary<string, string> Definitions);

public static class PostureEndpoints
{
    public static IEndpointRouteBuilder MapPostureApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/posture", GetAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetPosture")
            .WithTags("Landscape")
            .WithSummary("Open, overdue, owned share, SLA compliance and MTTR, in total and per owner team (with the unowned findings as a row)")
            .WithDescription("The figures of the landscape, the remediation metrics and the executive report, by the same definitions (see 'definitions'); "
                + "bu, team, cluster and env narrow by name, within the caller's scope. SLA compliance and MTTR cover the last 30 days (today and the 29 days before it, UTC).");
        return endpoints;
    }

    internal static async Task<Ok<PostureApiResponse>> GetAsync(
        IDbContextFactory<K8PostureDbContext> contexts,
        TimeProvider clock,
        CancellationToken cancellationToken,
        string? bu = null,
        string? team = null,
        string? cluster = null,
        string? env = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = await ResolvedScope.ResolveAsync(db, new OrgFilter(Trimmed(bu), Trimmed(team), Trimmed(cluster), Trimmed(env)), cancellationToken);
        var now = clock.GetUtcNow();
        var byTeam = await PostureFigureQueries.ByTeamAsync(scope.Apply(db.Findings.AsNoTracking()), now, cancellationToken);
        var names = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var rows = byTeam
            .Select(t => PostureFiguresDto.From(t.TeamId is { } id ? names.GetValueOrDefault(id, $"Team {id}") : PostureDefinitions.UnownedLabel, t.Figures))
            .ToList();
        return TypedResults.Ok(new PostureApiResponse(now, PostureDefinitions.WindowStart(now), PostureDefinitions.WindowDays,
            PostureFiguresDto.From(null, PostureFigures.Sum(byTeam.Select(t => t.Figures))), rows,
            new Dictionary<string, string>
            {
                ["open"] = PostureDefinitions.OpenText,
                ["overdue"] = PostureDefinitions.OverdueText,
                ["slaCompliance"] = PostureDefinitions.SlaComplianceText,
                ["mttr"] = PostureDefinitions.MttrText,
                ["ownedShare"] = PostureDefinitions.OwnedShareText,
            }));
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
