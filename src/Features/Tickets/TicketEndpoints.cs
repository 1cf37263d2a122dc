using System.Security.Claims;
using K8Posture.Security;
using K8Posture.Shared;
using K8Posture.Shared.Http;

namespace K8Posture.Features.Tickets;

public sealed record TicketRequeueRequest(IReadOnlyList<long>? Ids);

public sealed record TicketRequeueResult(int Requeued);

/// <summary>
/// <c>/api/v1/tickets</c>: connections and team mappings (admins), creating tickets from findings (the owning team or the
/// Security Team), the linked ticket of a finding, outbox health; <c>/api/v1/webhooks/{jira,azure-devops}</c>: the remotes' pushes.
/// </summary>
public static class TicketEndpoints
{
    private const string InvalidRequest = "Invalid ticket request";
    private const long MaxWebhookBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTicketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/tickets").WithTags("Tickets");

        group.MapGet("/connections", async (TicketAdminService admin, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await admin.ConnectionsAsync(user, ct)))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("ListTicketConnections")
            .WithSummary("Jira and Azure DevOps connections (never their token or webhook secret)")
            .Produces<List<TicketConnectionDto>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/connections", async (HttpContext context, TicketAdminService admin, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (connection, created) = await admin.SaveConnectionAsync(user, await JsonBody.ReadAsync<SaveTicketConnectionRequest>(context, "Invalid ticket connection", ct), ct);
                return created ? TypedResults.Json(connection, statusCode: StatusCodes.Status201Created) : TypedResults.Json(connection);
            })
            .WithJsonBody<SaveTicketConnectionRequest>()
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("SaveTicketConnection")
            .WithSummary("Create or update a ticket connection by name")
            .WithDescription("JiraCloud: baseUrl (https://<site>.atlassian.net), userEmail and token (API token, basic auth). JiraDataCenter: baseUrl and token (personal access token, bearer). "
                + "AzureDevOps: baseUrl (https://dev.azure.com/<organisation>) and token (PAT, basic auth with an empty user). webhookSecret (16+ characters) authenticates incoming webhooks. "
                + "Secrets are encrypted at rest and never returned; omit them on update to keep them.")
            .Produces<TicketConnectionDto>(StatusCodes.Status201Created)
            .Produces<TicketConnectionDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/connections/{id:int}/test", async (int id, string? project, TicketAdminService admin, ClaimsPrincipal user, CancellationToken ct) =>
                await admin.TestAsync(user, id, project, ct) is { } result
                    ? TypedResults.Ok(result)
                    : throw ProblemException.NotFound("Unknown connection", $"No ticket connection with id {id}."))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("TestTicketConnection")
            .WithSummary("Read the project, its issue types and statuses with the stored credentials")
            .Produces<TicketConnectionTestResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/mappings", async (TicketAdminService admin, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await admin.MappingsAsync(user, ct)))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("ListTicketMappings")
            .WithSummary("Each team's ticket project, type, grouping, priority and status mapping")
            .Produces<List<TicketMappingDto>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPut("/mappings", async (HttpContext context, TicketAdminService admin, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (mapping, created) = await admin.SaveMappingAsync(user, await JsonBody.ReadAsync<SaveTicketMappingRequest>(context, "Invalid ticket mapping", ct), ct);
                return created ? TypedResults.Json(mapping, statusCode: StatusCodes.Status201Created) : TypedResults.Json(mapping);
            })
            .WithJsonBody<SaveTicketMappingRequest>()
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("SaveTicketMapping")
            .WithSummary("Create or replace a team's ticket mapping")
            .Produces<TicketMappingDto>(StatusCodes.Status201Created)
            .Produces<TicketMappingDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", async (HttpContext context, TicketPlanner planner, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await planner.CreateAsync(user, await JsonBody.ReadAsync<CreateTicketsRequest>(context, InvalidRequest, ct), ct)))
            .WithJsonBody<CreateTicketsRequest>()
            .RequireAuthorization(Policies.Reader)
            .WithName("CreateTickets")
            .WithSummary("Put findings into their groups' tickets (created or updated through the outbox); idempotent")
            .WithDescription("Give findingIds (the explorer's selection) or filter (the explorer's query string). Findings of teams without a mapping are counted, not ticketed. "
                + "A findingId the caller cannot see (another team's) refuses the whole request with 404.")
            .Produces<CreateTicketsResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/findings/{id:long}", async (long id, TicketPlanner planner, CancellationToken ct) =>
                await planner.ForFindingAsync(id, ct) is { } ticket
                    ? TypedResults.Ok(ticket)
                    : throw ProblemException.NotFound("No ticket", $"Finding {id} has no ticket, or is not visible to you."))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("FindingTicket")
            .WithSummary("The ticket a finding is in, with its remote status and sync state")
            .Produces<LinkedTicketDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/outbox", async (TicketOutboxService outbox, ClaimsPrincipal user, CancellationToken ct) => TypedResults.Ok(await outbox.SummaryAsync(user, ct)))
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("TicketOutbox")
            .WithSummary("Pending and failed remote actions, tickets that could not be read, per-team sync health")
            .Produces<TicketOutboxSummary>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/outbox/requeue", async (HttpContext context, TicketOutboxService outbox, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(new TicketRequeueResult(await outbox.RequeueAsync(user, (await JsonBody.ReadAsync<TicketRequeueRequest>(context, InvalidRequest, ct)).Ids, ct))))
            .WithJsonBody<TicketRequeueRequest>()
            .RequireAuthorization(Policies.ApiAdmin)
            .WithName("RequeueTicketActions")
            .WithSummary("Put failed remote actions (all, or the given ids) back in the queue")
            .Produces<TicketRequeueResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var webhooks = endpoints.MapGroup("/api/v1/webhooks").WithTags("Tickets").AllowAnonymous();
        webhooks.MapPost("/jira", (HttpContext context, IServiceScopeFactory scopes, CancellationToken ct) => ReceiveAsync(TicketSystem.JiraCloud, context, scopes, ct))
            .WithName("JiraWebhook")
            .WithSummary("Jira webhook: ?connection=<id> and ?secret=<webhook secret> or an X-Hub-Signature HMAC-SHA256")
            .AcceptsAnyContentType("The Jira webhook JSON.")
            .Produces<TicketWebhookResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        webhooks.MapPost("/azure-devops", (HttpContext context, IServiceScopeFactory scopes, CancellationToken ct) => ReceiveAsync(TicketSystem.AzureDevOps, context, scopes, ct))
            .WithName("AzureDevOpsWebhook")
            .WithSummary("Azure DevOps service hook: ?connection=<id>, basic auth with the webhook secret as password")
            .AcceptsAnyContentType("The service hook JSON (workitem.updated and the like).")
            .Produces<TicketWebhookResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return endpoints;
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<TicketWebhookResult>> ReceiveAsync(TicketSystem family, HttpContext context, IServiceScopeFactory scopes, CancellationToken ct)
    {
        var body = await RawRequestBody.ReadRequiredAsync(context, MaxWebhookBytes, "webhook", "send a smaller delivery", "send the webhook JSON.", ct);
        // The request's data scope is bound to the anonymous caller; the delivery, once authenticated, acts for the organisation in its own.
        await using var scope = scopes.CreateAsyncScope();
        return TypedResults.Ok(await scope.ServiceProvider.GetRequiredService<TicketWebhookService>().ReceiveAsync(family, context, body, ct));
    }
}
