using K8Posture.Shared.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.OpenApi;

namespace K8Posture.Features.Organisation;

/// <summary>
/// <c>/api/v1/business-units</c>, <c>/api/v1/teams</c> (with their Entra groups), <c>/api/v1/applications</c> and
/// <c>/api/v1/pipeline-identities</c>: the organisation over HTTP. Writes are for Security admins (or an admin key); reads are
/// scoped to the caller's teams by the service. Every rule is the service's; this class only translates HTTP.
/// </summary>
public static class OrganisationEndpoints
{
    internal static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        MapBusinessUnits(endpoints.MapGroup("/api/v1/business-units").WithTags("Organisation"));
        MapTeams(endpoints.MapGroup("/api/v1/teams").WithTags("Organisation"));
        MapApplications(endpoints.MapGroup("/api/v1/applications").WithTags("Organisation"));
        MapPipelineIdentities(endpoints.MapGroup("/api/v1/pipeline-identities").WithTags("Organisation"));
        return endpoints;
    }

    private static void MapBusinessUnits(RouteGroupBuilder group)
    {
        group.MapGet("", async (string? q, OrganisationService organisation, CancellationToken ct) =>
                TypedResults.Ok(await organisation.ListBusinessUnitsAsync(q, ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListBusinessUnits")
            .WithSummary("Business units (an app-team caller sees its own teams' units); q= searches name and description")
            .Produces<List<BusinessUnitView>>();

        group.MapGet("/{name}", async (string name, OrganisationService organisation, CancellationToken ct) =>
                await organisation.GetBusinessUnitAsync(name, ct) is { } unit
                    ? TypedResults.Ok(unit)
                    : throw OrganisationProblem.NotFound("business unit", name))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetBusinessUnit")
            .Produces<BusinessUnitView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", (HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<BusinessUnitChange>(context, async change =>
                {
                    var unit = await organisation.CreateBusinessUnitAsync(change, ct);
                    return TypedResults.Json(unit, statusCode: StatusCodes.Status201Created)
                        .WithLocation(context, $"/api/v1/business-units/{Uri.EscapeDataString(unit.Name)}");
                }, ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("CreateBusinessUnit")
            .WithSummary("Create a business unit")
            .WithJsonBody<BusinessUnitChange>()
            .Produces<BusinessUnitView>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        group.MapPut("/{name}", (string name, HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<BusinessUnitChange>(context, async change => TypedResults.Ok(await organisation.UpdateBusinessUnitAsync(name, change, ct)), ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("UpdateBusinessUnit")
            .WithSummary("Change (or rename) a business unit; teams, clusters, RACI parties and saved views follow")
            .WithJsonBody<BusinessUnitChange>()
            .Produces<BusinessUnitView>()
            .ProducesWriteProblems();

        group.MapDelete("/{name}", async (string name, OrganisationService organisation, CancellationToken ct) =>
                {
                    await organisation.DeleteBusinessUnitAsync(name, ct);
                    return TypedResults.NoContent();
                })
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("DeleteBusinessUnit")
            .WithSummary("Delete a business unit; refused (409) while teams or clusters belong to it")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWriteProblems();
    }

    private static void MapTeams(RouteGroupBuilder group)
    {
        group.MapGet("", async (string? q, OrganisationService organisation, CancellationToken ct) =>
                TypedResults.Ok(await organisation.ListTeamsAsync(q, ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListTeams")
            .WithSummary("Teams with their contacts and Entra groups (an app-team caller sees its own); q= searches name and description")
            .Produces<List<TeamView>>();

        group.MapGet("/{name}", async (string name, OrganisationService organisation, CancellationToken ct) =>
                await organisation.GetTeamAsync(name, ct) is { } team
                    ? TypedResults.Ok(team)
                    : throw OrganisationProblem.NotFound("team", name))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTeam")
            .Produces<TeamView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", (HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<TeamChange>(context, async change =>
                {
                    var team = await organisation.CreateTeamAsync(change, ct);
                    return TypedResults.Json(team, statusCode: StatusCodes.Status201Created)
                        .WithLocation(context, $"/api/v1/teams/{Uri.EscapeDataString(team.Name)}");
                }, ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("CreateTeam")
            .WithSummary("Create a team (name, business unit, description, contact e-mail, Teams/Slack channel)")
            .WithJsonBody<TeamChange>()
            .Produces<TeamView>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        group.MapPut("/{name}", (string name, HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<TeamChange>(context, async change => TypedResults.Ok(await organisation.UpdateTeamAsync(name, change, ct)), ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("UpdateTeam")
            .WithSummary("Change (or rename) a team")
            .WithDescription("Findings, namespaces, keys and everything else reference the team by id and stay with it; the policy's explicit "
                + "namespace ownership rules, RACI parties and saved findings views that name it follow the rename (a new policy/RACI version, audited).")
            .WithJsonBody<TeamChange>()
            .Produces<TeamView>()
            .ProducesWriteProblems();

        group.MapDelete("/{name}", async (string name, string? handOverTo, OrganisationService organisation, CancellationToken ct) =>
                {
                    await organisation.DeleteTeamAsync(name, handOverTo, ct);
                    return TypedResults.NoContent();
                })
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("DeleteTeam")
            .WithSummary("Delete a team; refused (409, naming what it still owns) unless handOverTo= names the team that takes it all over")
            .WithDescription("With handOverTo, findings, namespaces, clusters, applications, keys, pipeline identities, tenancy assessments, alerts, "
                + "risk acceptances, batches, inventory, notification targets and history move to that team in one transaction. Entra group mappings "
                + "are removed, not handed over: they decide who sees what.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWriteProblems();

        group.MapGet("/{name}/holdings", async (string name, OrganisationService organisation, CancellationToken ct) =>
                {
                    var holdings = await organisation.GetTeamHoldingsAsync(name, ct);
                    return TypedResults.Ok(new TeamHoldingsView(holdings, holdings.Any, holdings.Describe()));
                })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetTeamHoldings")
            .WithSummary("What a team still owns (what deleting it would need handed over)")
            .Produces<TeamHoldingsView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{name}/groups", async (string name, OrganisationService organisation, CancellationToken ct) =>
                TypedResults.Ok(await organisation.ListTeamGroupsAsync(name, ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListTeamGroups")
            .WithSummary("The Entra groups whose members are members of the team")
            .Produces<List<TeamGroupView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{name}/groups", (string name, HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<TeamGroupChange>(context, async change =>
                {
                    var mapped = await organisation.AddTeamGroupAsync(name, change, ct);
                    return TypedResults.Json(mapped, statusCode: StatusCodes.Status201Created)
                        .WithLocation(context, $"/api/v1/teams/{Uri.EscapeDataString(name)}/groups/{mapped.EntraGroupId}");
                }, ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("AddTeamGroup")
            .WithSummary("Map an Entra group (object id, display name) to the team; 409 when it maps to another team")
            .WithJsonBody<TeamGroupChange>()
            .Produces<TeamGroupView>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        group.MapDelete("/{name}/groups/{groupId}", async (string name, string groupId, OrganisationService organisation, CancellationToken ct) =>
                {
                    await organisation.RemoveTeamGroupAsync(name, groupId, ct);
                    return TypedResults.NoContent();
                })
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("RemoveTeamGroup")
            .WithSummary("Unmap an Entra group from the team")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWriteProblems();
    }

    private static void MapApplications(RouteGroupBuilder group)
    {
        group.MapGet("", async (string? q, OrganisationService organisation, CancellationToken ct) =>
                TypedResults.Ok(await organisation.ListApplicationsAsync(q, ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListApplications")
            .WithSummary("Applications (an app-team caller sees its own teams'), with the namespaces that name them; q= searches name and description")
            .Produces<List<ApplicationView>>();

        group.MapGet("/{name}", async (string name, OrganisationService organisation, CancellationToken ct) =>
                await organisation.GetApplicationAsync(name, ct) is { } application
                    ? TypedResults.Ok(application)
                    : throw OrganisationProblem.NotFound("application", name))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("GetApplication")
            .Produces<ApplicationView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", (HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<ApplicationChange>(context, async change =>
                {
                    var application = await organisation.CreateApplicationAsync(change, ct);
                    return TypedResults.Json(application, statusCode: StatusCodes.Status201Created)
                        .WithLocation(context, $"/api/v1/applications/{Uri.EscapeDataString(application.Name)}");
                }, ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("CreateApplication")
            .WithSummary("Create an application owned by a team (data classification, regulatory scope, vendor product, required privileges)")
            .WithJsonBody<ApplicationChange>()
            .Produces<ApplicationView>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        group.MapPut("/{name}", (string name, HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<ApplicationChange>(context, async change => TypedResults.Ok(await organisation.UpdateApplicationAsync(name, change, ct)), ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("UpdateApplication")
            .WithSummary("Change (or rename) an application; namespaces and tenancy assessments naming it follow the rename")
            .WithJsonBody<ApplicationChange>()
            .Produces<ApplicationView>()
            .ProducesWriteProblems();

        group.MapDelete("/{name}", async (string name, OrganisationService organisation, CancellationToken ct) =>
                {
                    await organisation.DeleteApplicationAsync(name, ct);
                    return TypedResults.NoContent();
                })
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("DeleteApplication")
            .WithSummary("Delete an application record (namespaces keep naming it)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWriteProblems();
    }

    private static void MapPipelineIdentities(RouteGroupBuilder group)
    {
        group.MapGet("", async (OrganisationService organisation, CancellationToken ct) =>
                TypedResults.Ok(await organisation.ListPipelineIdentitiesAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListPipelineIdentities")
            .WithSummary("Entra pipeline identities (service principals) and the team each acts for (an app-team caller sees its own)")
            .Produces<List<PipelineIdentityView>>();

        group.MapPost("", (HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<PipelineIdentityChange>(context, async change =>
                {
                    var identity = await organisation.CreatePipelineIdentityAsync(change, ct);
                    return TypedResults.Json(identity, statusCode: StatusCodes.Status201Created)
                        .WithLocation(context, $"/api/v1/pipeline-identities/{identity.EntraId}");
                }, ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("CreatePipelineIdentity")
            .WithSummary("Register an Entra app (application id or service principal object id) as a pipeline, team-bound or organisation-wide (no team)")
            .WithJsonBody<PipelineIdentityChange>()
            .Produces<PipelineIdentityView>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        group.MapPut("/{entraId}", (string entraId, HttpContext context, OrganisationService organisation, CancellationToken ct) =>
                WithBodyAsync<PipelineIdentityChange>(context, async change => TypedResults.Ok(await organisation.UpdatePipelineIdentityAsync(entraId, change, ct)), ct))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("UpdatePipelineIdentity")
            .WithJsonBody<PipelineIdentityChange>()
            .Produces<PipelineIdentityView>()
            .ProducesWriteProblems();

        group.MapDelete("/{entraId}", async (string entraId, OrganisationService organisation, CancellationToken ct) =>
                {
                    await organisation.DeletePipelineIdentityAsync(entraId, ct);
                    return TypedResults.NoContent();
                })
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("DeletePipelineIdentity")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWriteProblems();
    }

    /// <summary>Reads the JSON body (a problem when it is not JSON, malformed or empty, and the service is not called), then handles it.</summary>
    private static async Task<IResult> WithBodyAsync<T>(HttpContext context, Func<T, Task<IResult>> handle, CancellationToken ct) where T : class =>
        await handle(await JsonBody.ReadAsync<T>(context, "Invalid request", ct));

    private static IResult WithLocation(this IResult result, HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return result;
    }

    private static RouteHandlerBuilder ProducesWriteProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}

/// <summary>A team's holdings with the summary a person reads ("12 findings, 3 namespaces").</summary>
public sealed record TeamHoldingsView(TeamHoldings Holdings, bool Any, string Summary);
