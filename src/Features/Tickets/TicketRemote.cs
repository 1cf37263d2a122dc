using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

/// <summary>
/// A remote call that failed. <see cref="Permanent"/>: retrying cannot help (a deleted project or ticket, a workflow without
/// the status) — the outbox marks the action failed for an admin to see; otherwise it is retried with backoff, after
/// <see cref="RetryAfter"/> when the remote said so (429). The message never contains the token.
/// </summary>
public sealed class TicketRemoteException(string message, bool permanent = false, int? statusCode = null, TimeSpan? retryAfter = null) : Exception(message)
{
    public bool Permanent { get; } = permanent;
    public int? StatusCode { get; } = statusCode;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public bool NotFound => StatusCode == 404;
}

public sealed record RemoteComment(string Id, string Author, string Text);

/// <param name="StatusChangedBy">Who last moved the ticket's status (Jira: the changelog's last status change; Azure DevOps: System.ChangedBy), when the remote says.</param>
public sealed record RemoteIssue(string Id, string Key, string Url, string Status, string? Assignee, IReadOnlyList<RemoteComment> Comments, string? StatusChangedBy = null);

/// <summary>A project as "test connection" found it: its issue types and the statuses tickets can be in.</summary>
public sealed record RemoteProject(string Name, IReadOnlyList<string> IssueTypes, IReadOnlyList<string> Statuses);

/// <summary>What goes into a new ticket or a body update: the text is plain lines; each system renders them its way.</summary>
public sealed record TicketContent(string Title, string Intro, IReadOnlyList<(string Text, string Url)> Items, string GroupLabel, IReadOnlyList<string> Labels,
    string? Priority, string? AreaPath);

/// <summary>One ticket system's REST API.</summary>
public interface ITicketRemote
{
    Task<RemoteProject> ReadProjectAsync(TicketEndpoint endpoint, string project, CancellationToken cancellationToken);
    /// <summary>The ticket carrying our group label, if one exists: what makes a create after a crash adopt, not duplicate.</summary>
    Task<RemoteIssue?> FindByLabelAsync(TicketEndpoint endpoint, string project, string groupLabel, CancellationToken cancellationToken);
    Task<RemoteIssue> CreateAsync(TicketEndpoint endpoint, string project, string issueType, TicketContent content, CancellationToken cancellationToken);
    Task UpdateAsync(TicketEndpoint endpoint, string project, string remoteId, TicketContent content, CancellationToken cancellationToken);
    Task CommentAsync(TicketEndpoint endpoint, string project, string remoteId, string text, CancellationToken cancellationToken);
    Task TransitionAsync(TicketEndpoint endpoint, string project, string remoteId, string status, CancellationToken cancellationToken);
    Task<RemoteIssue> GetAsync(TicketEndpoint endpoint, string project, string remoteId, CancellationToken cancellationToken);
}

/// <summary>The HTTP plumbing both systems share: authentication, JSON, and errors turned into <see cref="TicketRemoteException"/>.</summary>
public abstract class TicketRemoteBase(HttpClient http)
{
    protected static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    protected abstract Task<AuthenticationHeaderValue> AuthorizationAsync(TicketEndpoint endpoint, CancellationToken cancellationToken);

    protected async Task<JsonNode?> SendAsync(TicketEndpoint endpoint, HttpMethod method, string relative, JsonNode? body, CancellationToken cancellationToken,
        string contentType = "application/json")
    {
        var uri = new Uri(endpoint.BaseUrl, relative);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = await AuthorizationAsync(endpoint, cancellationToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new TicketRemoteException($"{endpoint} cannot be reached: " + Security.OutboundHttpLogging.RedactedMessage(ex, uri));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TicketRemoteException($"{endpoint} did not answer within {CallTimeout.TotalSeconds:0} s.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            var status = (int)response.StatusCode;
            var what = $"{method} {uri.AbsolutePath} answered {status} {response.ReasonPhrase}: {Clip(ErrorText(text), 300)}";
            throw response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => new TicketRemoteException(what, statusCode: status, retryAfter: RetryAfter(response)),
                HttpStatusCode.NotFound or HttpStatusCode.Gone => new TicketRemoteException(what, permanent: true, statusCode: status),
                HttpStatusCode.BadRequest => new TicketRemoteException(what, permanent: true, statusCode: status),
                _ => new TicketRemoteException(what, statusCode: status, retryAfter: RetryAfter(response)),
            };
        }
    }

    /// <summary>Retry-After as seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Jira's errorMessages/errors, Azure DevOps' message, else the start of the body.</summary>
    private static string ErrorText(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            var parts = new List<string>();
            if (node?["errorMessages"] is JsonArray messages)
            {
                parts.AddRange(messages.Select(m => m?.ToString() ?? ""));
            }
            if (node?["errors"] is JsonObject errors)
            {
                parts.AddRange(errors.Select(e => $"{e.Key}: {e.Value}"));
            }
            if (node?["message"] is JsonValue message)
            {
                parts.Add(message.ToString());
            }
            return parts.Count > 0 ? string.Join("; ", parts) : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    protected static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
