using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

public sealed record TicketWebhookResult(string Outcome, string? Ticket, int FindingsChanged);

/// <summary>
/// Incoming Jira webhooks and Azure DevOps service hooks. Each names its connection (<c>?connection=</c>) and proves it
/// knows the connection's webhook secret — Jira: <c>?secret=</c> or the <c>X-Hub-Signature</c> HMAC-SHA256 of the body;
/// Azure DevOps: basic auth with the secret as password — compared in constant time. A delivery is applied once: its id
/// (Jira's <c>X-Atlassian-Webhook-Identifier</c> or event+issue+timestamp; the service hook's <c>id</c>) is recorded, and a
/// delivery older than the replay window is refused. The payload only says which ticket changed: the ticket is then read
/// from the remote, so a forged or stale payload cannot set a status.
/// </summary>
public sealed class TicketWebhookService(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    TicketConnectionSecrets secrets,
    TicketInboundSync inbound,
    RemediationService remediation,
    IOptionsMonitor<TicketOptions> options,
    TimeProvider clock)
{
    private const string Title = "Webhook refused";

    public async Task<TicketWebhookResult> ReceiveAsync(TicketSystem family, HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        scope.SetSystem(family == TicketSystem.AzureDevOps ? "webhook:azure-devops" : "webhook:jira");
        if (!int.TryParse(context.Request.Query["connection"], out var connectionId))
        {
            throw ProblemException.BadRequest(Title, "connection: the query parameter naming the ticket connection (as its webhook URL shows) is missing.", "connection");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.TicketConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        var isFamily = connection is not null && (family == TicketSystem.AzureDevOps) == (connection.System == TicketSystem.AzureDevOps);
        // Unknown connection and wrong secret answer alike, so the endpoint does not tell which connections exist.
        if (connection is null || !isFamily || !Authenticated(family, context, body.Span, secrets.Unprotect(connection.SecretProtected).WebhookSecret))
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, Title, "The webhook did not present the connection's secret.");
        }
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException ex)
        {
            throw ProblemException.BadRequest(Title, $"The body is not JSON: {Clip(ex.Message, 200)}");
        }
        var (eventId, at, remoteRef) = family == TicketSystem.AzureDevOps ? AzureDevOps(root) : Jira(root, context);
        if (eventId is null || remoteRef is null)
        {
            return new TicketWebhookResult("ignored", null, 0);
        }
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.WebhookReplayWindowSeconds));
        if (at is { } stamp && (now - stamp > window || stamp - now > window))
        {
            throw ProblemException.BadRequest(Title, $"The delivery is dated {stamp:O}, outside the replay window of {window.TotalSeconds:0} s; it was not applied.");
        }
        db.TicketWebhookReceipts.Add(new TicketWebhookReceipt { ConnectionId = connection.Id, EventId = Clip(eventId, TicketColumns.EventId), ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new TicketWebhookResult("duplicate", remoteRef, 0);
        }
        var ticket = await db.RemoteTickets.Include(t => t.Mapping!).ThenInclude(m => m.Connection!)
            .SingleOrDefaultAsync(t => t.Mapping!.ConnectionId == connection.Id && (t.RemoteKey == remoteRef || t.RemoteId == remoteRef), cancellationToken);
        if (ticket is null)
        {
            return new TicketWebhookResult("ignored", remoteRef, 0);
        }
        var changed = await inbound.PullAsync(db, ticket, "webhook", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (changed > 0)
        {
            remediation.NotifyChanged();
        }
        return new TicketWebhookResult("applied", ticket.RemoteKey, changed);
    }

    private static bool Authenticated(TicketSystem family, HttpContext context, ReadOnlySpan<byte> body, string secret)
    {
        var expected = Encoding.UTF8.GetBytes(secret);
        if (family == TicketSystem.AzureDevOps)
        {
            if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            {
                return false;
            }
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            }
            catch (FormatException)
            {
                return false;
            }
            var password = decoded.Split(':', 2) is [_, var p] ? p : "";
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), expected);
        }
        if (context.Request.Headers["X-Hub-Signature"].ToString() is { Length: > 0 } signature)
        {
            var hex = signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? signature[7..] : signature;
            byte[] given;
            try
            {
                given = Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                return false;
            }
            return CryptographicOperations.FixedTimeEquals(given, HMACSHA256.HashData(expected, body));
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Query["secret"].ToString()), expected);
    }

    /// <summary>Jira: { timestamp (epoch ms), webhookEvent, issue: { id, key } }.</summary>
    private static (string? EventId, DateTimeOffset? At, string? RemoteRef) Jira(JsonElement root, HttpContext context)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("issue", out var issue) || issue.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }
        var key = issue.TryGetProperty("key", out var k) ? k.GetString() : null;
        var id = issue.TryGetProperty("id", out var i) ? i.ToString() : null;
        DateTimeOffset? at = root.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        var webhookEvent = root.TryGetProperty("webhookEvent", out var e) ? e.GetString() : "jira";
        var eventId = context.Request.Headers["X-Atlassian-Webhook-Identifier"].ToString() is { Length: > 0 } identifier
            ? identifier
            : $"{webhookEvent}:{id ?? key}:{(at?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")}";
        return (eventId, at, key ?? id);
    }

    /// <summary>Azure DevOps service hook: { id, eventType, createdDate, resource: { workItemId | id, revision: { id } } }.</summary>
    private static (string? EventId, DateTimeOffset? At, string? RemoteRef) AzureDevOps(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }
        var eventId = root.TryGetProperty("id", out var id) ? id.GetString() : null;
        DateTimeOffset? at = root.TryGetProperty("createdDate", out var d) && d.TryGetDateTimeOffset(out var date) ? date : null;
        string? workItem = null;
        if (resource.TryGetProperty("revision", out var revision) && revision.ValueKind == JsonValueKind.Object && revision.TryGetProperty("id", out var rid) && rid.ValueKind == JsonValueKind.Number)
        {
            workItem = rid.ToString();
        }
        else if (resource.TryGetProperty("workItemId", out var wid) && wid.ValueKind == JsonValueKind.Number && wid.GetInt64() > 0)
        {
            workItem = wid.ToString();
        }
        else if (resource.TryGetProperty("id", out var rid2) && rid2.ValueKind == JsonValueKind.Number)
        {
            workItem = rid2.ToString();
        }
        return (eventId, at, workItem);
    }
}
