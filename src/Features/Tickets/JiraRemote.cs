using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace K8Posture.Features.Tickets;

/// <summary>
/// Jira's REST API: v3 with Atlassian Document Format bodies and basic auth (e-mail + API token) for Jira Cloud; v2 with
/// wiki-text bodies and a bearer personal access token for Jira Data Center.
/// </summary>
public sealed class JiraRemote(HttpClient http) : TicketRemoteBase(http), ITicketRemote
{
    protected override Task<AuthenticationHeaderValue> AuthorizationAsync(TicketEndpoint endpoint, CancellationToken cancellationToken) => Task.FromResult( endpoint.System == TicketSystem.JiraCloud
        ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoint.UserEmail}:{endpoint.Token}")))
        : new AuthenticationHeaderValue("Bearer", endpoint.Token));

    private static string Api(TicketEndpoint endpoint) => endpoint.System == TicketSystem.JiraCloud ? "rest/api/3" : "rest/api/2";

    public async Task<RemoteProject> ReadProjectAsync(TicketEndpoint endpoint, string project, CancellationToken cancellationToken)
    {
        var key = Uri.EscapeDataString(project);
        var found = await SendAsync(endpoint, HttpMethod.Get, $"{Api(endpoint)}/project/{key}", null, cancellationToken);
        var statuses = await SendAsync(endpoint, HttpMethod.Get, $"{Api(endpoint)}/project/{key}/statuses", null, cancellationToken);
        var issueTypes = (found?["issueTypes"] as JsonArray ?? []).Select(t => t?["name"]?.ToString()).OfType<string>().ToList();
        // /statuses answers per issue type: [{ name: "Bug", statuses: [{ name: "To Do" }, …] }, …]
        var statusNames = (statuses as JsonArray ?? []).SelectMany(t => t?["statuses"] as JsonArray ?? [])
            .Select(s => s?["name"]?.ToString()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (issueTypes.Count == 0)
        {
            issueTypes = (statuses as JsonArray ?? []).Select(t => t?["name"]?.ToString()).OfType<string>().ToList();
        }
        return new RemoteProject(found?["name"]?.ToString() ?? project, issueTypes, statusNames);
    }

    public async Task<RemoteIssue?> FindByLabelAsync(TicketEndpoint endpoint, string project, string groupLabel, CancellationToken cancellationToken)
    {
        var jql = Uri.EscapeDataString($"project = \"{Escape(project)}\" AND labels = \"{Escape(groupLabel)}\" ORDER BY created ASC");
        // Jira Cloud retired /search for /search/jql; Data Center still has /search. Both answer { issues: [...] }.
        var path = endpoint.System == TicketSystem.JiraCloud ? "rest/api/3/search/jql" : "rest/api/2/search";
        var result = await SendAsync(endpoint, HttpMethod.Get, $"{path}?jql={jql}&fields=status,assignee,summary&maxResults=1", null, cancellationToken);
        var issue = (result?["issues"] as JsonArray)?.FirstOrDefault();
        return issue is null ? null : Read(endpoint, issue);
    }

    public async Task<RemoteIssue> CreateAsync(TicketEndpoint endpoint, string project, string issueType, TicketContent content, CancellationToken cancellationToken)
    {
        var fields = new JsonObject
        {
            ["project"] = new JsonObject { ["key"] = project },
            ["summary"] = content.Title,
            ["issuetype"] = new JsonObject { ["name"] = issueType },
            ["labels"] = new JsonArray([.. content.Labels.Append(content.GroupLabel).Select(l => (JsonNode)JsonValue.Create(l))]),
            ["description"] = Description(endpoint, content),
        };
        if (content.Priority is { Length: > 0 } priority)
        {
            fields["priority"] = new JsonObject { ["name"] = priority };
        }
        var created = await SendAsync(endpoint, HttpMethod.Post, $"{Api(endpoint)}/issue", new JsonObject { ["fields"] = fields }, cancellationToken)
            ?? throw new TicketRemoteException("Jira answered the create with an empty body.");
        var key = created["key"]?.ToString() ?? throw new TicketRemoteException("Jira's create answer has no key.");
        return new RemoteIssue(created["id"]?.ToString() ?? key, key, BrowseUrl(endpoint, key), "", null, []);
    }

    public Task UpdateAsync(TicketEndpoint endpoint, string project, string remoteId, TicketContent content, CancellationToken cancellationToken) =>
        SendAsync(endpoint, HttpMethod.Put, $"{Api(endpoint)}/issue/{Uri.EscapeDataString(remoteId)}",
            new JsonObject { ["fields"] = new JsonObject { ["summary"] = content.Title, ["description"] = Description(endpoint, content) } }, cancellationToken);

    public Task CommentAsync(TicketEndpoint endpoint, string project, string remoteId, string text, CancellationToken cancellationToken) =>
        SendAsync(endpoint, HttpMethod.Post, $"{Api(endpoint)}/issue/{Uri.EscapeDataString(remoteId)}/comment",
            new JsonObject { ["body"] = endpoint.System == TicketSystem.JiraCloud ? Adf([Paragraph(text)]) : text }, cancellationToken);

    public async Task TransitionAsync(TicketEndpoint endpoint, string project, string remoteId, string status, CancellationToken cancellationToken)
    {
        var path = $"{Api(endpoint)}/issue/{Uri.EscapeDataString(remoteId)}/transitions";
        var transitions = await SendAsync(endpoint, HttpMethod.Get, path, null, cancellationToken);
        var match = (transitions?["transitions"] as JsonArray ?? [])
            .FirstOrDefault(t => string.Equals(t?["to"]?["name"]?.ToString(), status, StringComparison.OrdinalIgnoreCase))
            ?? (transitions?["transitions"] as JsonArray ?? []).FirstOrDefault(t => string.Equals(t?["name"]?.ToString(), status, StringComparison.OrdinalIgnoreCase));
        if (match?["id"]?.ToString() is not { } id)
        {
            var offered = string.Join(", ", (transitions?["transitions"] as JsonArray ?? []).Select(t => t?["to"]?["name"]?.ToString() ?? t?["name"]?.ToString()));
            throw new TicketRemoteException($"The workflow of {remoteId} offers no transition to '{status}' (offered: {offered}); fix the team's status mapping.", permanent: true);
        }
        await SendAsync(endpoint, HttpMethod.Post, path, new JsonObject { ["transition"] = new JsonObject { ["id"] = id } }, cancellationToken);
    }

    public async Task<RemoteIssue> GetAsync(TicketEndpoint endpoint, string project, string remoteId, CancellationToken cancellationToken)
    {
        var issue = await SendAsync(endpoint, HttpMethod.Get, $"{Api(endpoint)}/issue/{Uri.EscapeDataString(remoteId)}?fields=status,assignee,summary,comment&expand=changelog", null, cancellationToken)
            ?? throw new TicketRemoteException($"Jira answered {remoteId} with an empty body.");
        return Read(endpoint, issue);
    }

    internal static RemoteIssue Read(TicketEndpoint endpoint, JsonNode issue)
    {
        var key = issue["key"]?.ToString() ?? "";
        var fields = issue["fields"];
        var comments = (fields?["comment"]?["comments"] as JsonArray ?? [])
            .Select(c => new RemoteComment(c?["id"]?.ToString() ?? "", c?["author"]?["displayName"]?.ToString() ?? c?["author"]?["name"]?.ToString() ?? "unknown",
                c?["body"] is JsonValue v ? v.ToString() : PlainText(c?["body"])))
            .ToList();
        // changelog.histories is oldest first; the last one with a status item says who moved the ticket.
        var statusChange = (issue["changelog"]?["histories"] as JsonArray ?? [])
            .LastOrDefault(h => (h?["items"] as JsonArray ?? []).Any(i => string.Equals(i?["field"]?.ToString(), "status", StringComparison.OrdinalIgnoreCase)));
        return new RemoteIssue(issue["id"]?.ToString() ?? key, key, BrowseUrl(endpoint, key), fields?["status"]?["name"]?.ToString() ?? "",
            fields?["assignee"]?["displayName"]?.ToString(), comments, statusChange?["author"]?["displayName"]?.ToString());
    }

    private static string BrowseUrl(TicketEndpoint endpoint, string key) => new Uri(endpoint.BaseUrl, "browse/" + Uri.EscapeDataString(key)).ToString();

    /// <summary>The text of an Atlassian Document Format node, its text leaves joined.</summary>
    internal static string PlainText(JsonNode? adf)
    {
        if (adf is null)
        {
            return "";
        }
        if (adf["text"]?.ToString() is { } text)
        {
            return text;
        }
        var parts = (adf["content"] as JsonArray ?? []).Select(PlainText).Where(p => p.Length > 0);
        return string.Join(adf["type"]?.ToString() is "doc" or "bulletList" ? "\n" : "", parts);
    }

    private static JsonNode Description(TicketEndpoint endpoint, TicketContent content)
    {
        if (endpoint.System != TicketSystem.JiraCloud)
        {
            var wiki = new StringBuilder(content.Intro).Append("\n\n");
            foreach (var (text, url) in content.Items)
            {
                wiki.Append("* [").Append(text.Replace("|", "/", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal)).Append('|').Append(url).Append("]\n");
            }
            return wiki.ToString();
        }
        var list = new JsonObject
        {
            ["type"] = "bulletList",
            ["content"] = new JsonArray([.. content.Items.Select(i => (JsonNode)new JsonObject
            {
                ["type"] = "listItem",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "paragraph",
                    ["content"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "text",
                        ["text"] = i.Text,
                        ["marks"] = new JsonArray(new JsonObject { ["type"] = "link", ["attrs"] = new JsonObject { ["href"] = i.Url } }),
                    }),
                }),
            })]),
        };
        return content.Items.Count == 0 ? Adf([Paragraph(content.Intro)]) : Adf([Paragraph(content.Intro), list]);
    }

    private static JsonObject Paragraph(string text) => new()
    {
        ["type"] = "paragraph",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
    };

    private static JsonObject Adf(JsonNode[] content) => new() { ["type"] = "doc", ["version"] = 1, ["content"] = new JsonArray(content) };
}
