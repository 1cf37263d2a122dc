using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace K8Posture.Features.Tickets;

/// <summary>
/// Azure Boards through the Azure DevOps REST API 7.1: a PAT as basic auth with an empty user name, or an app-only Entra token
/// of K8Posture's app registration as a bearer (client credentials for the Azure DevOps resource); JSON Patch for work items.
/// </summary>
public sealed class AzureDevOpsRemote(HttpClient http, Security.IGraphAppTokenSource appTokens) : TicketRemoteBase(http), ITicketRemote
{
    /// <summary>The Azure DevOps resource (its well-known application id), as every organisation in every tenant accepts it.</summary>
    public const string AppIdentityScope = "499b84ac-1321-427f-aa17-267ca6975798/.default";

    private const string Version = "api-version=7.1";
    private const string CommentsVersion = "api-version=7.1-preview.4";
    private const string JsonPatch = "application/json-patch+json";

    protected override async Task<AuthenticationHeaderValue> AuthorizationAsync(TicketEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (!endpoint.AppIdentity)
        {
            return new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + endpoint.Token)));
        }
        if (!appTokens.IsConfigured)
        {
            throw new TicketRemoteException("The connection uses the app's Entra identity, but the app registration has no client secret or certificate (AzureAd section).", permanent: true);
        }
        try
        {
            // MSAL (Microsoft.Identity.Web) caches the token until shortly before it expires.
            return new("Bearer", await appTokens.GetAccessTokenAsync(AppIdentityScope, cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The token endpoint's answer names the OAuth error (invalid_client, unauthorized_client…), never the credential.
            throw new TicketRemoteException($"No Entra token for Azure DevOps: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string P(string project) => Uri.EscapeDataString(project);

    public async Task<RemoteProject> ReadProjectAsync(TicketEndpoint endpoint, string project, CancellationToken cancellationToken)
    {
        var types = await SendAsync(endpoint, HttpMethod.Get, $"{P(project)}/_apis/wit/workitemtypes?{Version}", null, cancellationToken);
        var list = types?["value"] as JsonArray ?? [];
        return new RemoteProject(project,
            list.Select(t => t?["name"]?.ToString()).OfType<string>().ToList(),
            list.SelectMany(t => t?["states"] as JsonArray ?? []).Select(s => s?["name"]?.ToString()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    public async Task<RemoteIssue?> FindByLabelAsync(TicketEndpoint endpoint, string project, string groupLabel, CancellationToken cancellationToken)
    {
        var query = $"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = '{project.Replace("'", "''", StringComparison.Ordinal)}' "
            + $"AND [System.Tags] CONTAINS '{groupLabel.Replace("'", "''", StringComparison.Ordinal)}' ORDER BY [System.Id]";
        var result = await SendAsync(endpoint, HttpMethod.Post, $"{P(project)}/_apis/wit/wiql?{Version}", new JsonObject { ["query"] = query }, cancellationToken);
        var id = (result?["workItems"] as JsonArray)?.FirstOrDefault()?["id"]?.ToString();
        return id is null ? null : await GetAsync(endpoint, project, id, cancellationToken);
    }

    public async Task<RemoteIssue> CreateAsync(TicketEndpoint endpoint, string project, string issueType, TicketContent content, CancellationToken cancellationToken)
    {
        var ops = ContentOps(content, "add");
        ops.Add(Op("add", "/fields/System.Tags", string.Join("; ", content.Labels.Append(content.GroupLabel))));
        if (content.AreaPath is { Length: > 0 } area)
        {
            ops.Add(Op("add", "/fields/System.AreaPath", area));
        }
        if (int.TryParse(content.Priority, out var priority))
        {
            ops.Add(Op("add", "/fields/Microsoft.VSTS.Common.Priority", priority));
        }
        var created = await SendAsync(endpoint, HttpMethod.Post, $"{P(project)}/_apis/wit/workitems/${Uri.EscapeDataString(issueType)}?{Version}", ops, cancellationToken, JsonPatch)
            ?? throw new TicketRemoteException("Azure DevOps answered the create with an empty body.");
        return Read(endpoint, created, []);
    }

    public Task UpdateAsync(TicketEndpoint endpoint, string project, string remoteId, TicketContent content, CancellationToken cancellationToken) =>
        SendAsync(endpoint, HttpMethod.Patch, $"_apis/wit/workitems/{Uri.EscapeDataString(remoteId)}?{Version}", ContentOps(content, "replace"), cancellationToken, JsonPatch);

    public Task CommentAsync(TicketEndpoint endpoint, string project, string remoteId, string text, CancellationToken cancellationToken) =>
        SendAsync(endpoint, HttpMethod.Post, $"{P(project)}/_apis/wit/workItems/{Uri.EscapeDataString(remoteId)}/comments?{CommentsVersion}",
            new JsonObject { ["text"] = WebUtility.HtmlEncode(text) }, cancellationToken);

    public Task TransitionAsync(TicketEndpoint endpoint, string project, string remoteId, string status, CancellationToken cancellationToken) =>
        SendAsync(endpoint, HttpMethod.Patch, $"_apis/wit/workitems/{Uri.EscapeDataString(remoteId)}?{Version}",
            new JsonArray(Op("add", "/fields/System.State", status)), cancellationToken, JsonPatch);

    public async Task<RemoteIssue> GetAsync(TicketEndpoint endpoint, string project, string remoteId, CancellationToken cancellationToken)
    {
        var item = await SendAsync(endpoint, HttpMethod.Get, $"_apis/wit/workitems/{Uri.EscapeDataString(remoteId)}?{Version}", null, cancellationToken)
            ?? throw new TicketRemoteException($"Azure DevOps answered work item {remoteId} with an empty body.");
        var comments = await SendAsync(endpoint, HttpMethod.Get, $"{P(project)}/_apis/wit/workItems/{Uri.EscapeDataString(remoteId)}/comments?{CommentsVersion}", null, cancellationToken);
        return Read(endpoint, item, (comments?["comments"] as JsonArray ?? [])
            .Select(c => new RemoteComment(c?["id"]?.ToString() ?? "", c?["createdBy"]?["displayName"]?.ToString() ?? "unknown", StripTags(c?["text"]?.ToString() ?? "")))
            .ToList());
    }

    internal static RemoteIssue Read(TicketEndpoint endpoint, JsonNode item, IReadOnlyList<RemoteComment> comments)
    {
        var id = item["id"]?.ToString() ?? "";
        var fields = item["fields"];
        var url = item["_links"]?["html"]?["href"]?.ToString() ?? new Uri(endpoint.BaseUrl, $"_workitems/edit/{id}").ToString();
        var assignee = fields?["System.AssignedTo"] is JsonObject identity ? identity["displayName"]?.ToString() : fields?["System.AssignedTo"]?.ToString();
        var changedBy = fields?["System.ChangedBy"] is JsonObject changer ? changer["displayName"]?.ToString() : fields?["System.ChangedBy"]?.ToString();
        return new RemoteIssue(id, id, url, fields?["System.State"]?.ToString() ?? "", assignee, comments, changedBy);
    }

    private static JsonArray ContentOps(TicketContent content, string op)
    {
        var html = new StringBuilder("<p>").Append(WebUtility.HtmlEncode(content.Intro)).Append("</p><ul>");
        foreach (var (text, url) in content.Items)
        {
            html.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(url)).Append("\">").Append(WebUtility.HtmlEncode(text)).Append("</a></li>");
        }
        html.Append("</ul>");
        return new JsonArray(Op(op, "/fields/System.Title", content.Title), Op(op, "/fields/System.Description", html.ToString()));
    }

    private static JsonObject Op(string op, string path, JsonNode? value) => new() { ["op"] = op, ["path"] = path, ["value"] = value };

    private static string StripTags(string html) => WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "",
        System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)));
}
