using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Features.Tickets;

/// <summary>An issue or work item as the fake holds it.</summary>
public sealed class FakeIssue
{
    public required string Id { get; init; }
    public required string Key { get; init; }
    public required string Project { get; init; }
    public string Summary { get; set; } = "";
    public JsonNode? Description { get; set; }
    public List<string> Labels { get; } = [];
    public string Status { get; set; } = "To Do";
    public string? Assignee { get; set; }
    /// <summary>Who moved the status last: Jira's changelog (with expand=changelog), Azure DevOps' System.ChangedBy.</summary>
    public string? StatusChangedBy { get; set; }
    public List<(string Id, string Author, string Text)> Comments { get; } = [];
    public int Updates { get; set; }
}

/// <summary>
/// Jira (REST v3 under /rest/api/3, v2 under /rest/api/2) and Azure DevOps (under /org/) on loopback Kestrel, answering with
/// the real response shapes: the recorded examples in tests/fixtures/{jira,azure-devops} are the templates (create answer,
/// issue, transitions, created work item); the rest follow the vendors' REST reference. Fails on demand: the next n calls
/// answer 500 or 429 + Retry-After, a deleted issue or project answers 404, and a create can be "lost" (made, then 500).
/// </summary>
public sealed partial class FakeTicketSystems : IAsyncDisposable
{
    public const string JiraEmail = "robot@example.com";
    public const string Token = "fake-api-token-7f3a9c1e5b";

    private static readonly JsonNode JiraCreateTemplate = Fixture("jira/jira-ruby-create-issue-response.json");
    private static readonly JsonNode JiraIssueTemplate = Fixture("jira/jira-ruby-get-issue-SAMPLEPROJECT-1.json");
    private static readonly string JiraTransitions = Encoding.UTF8.GetString(TestFixtures.Read("jira/go-jira-transitions.json"));
    private static readonly JsonNode AzureWorkItemTemplate = Fixture("azure-devops/vsts-rest-api-specs-wit-workitems-create-task.json")["responses"]!["200"]!["body"]!;

    private readonly ConcurrentQueue<(int Status, int? RetryAfterSeconds)> _failures = new();
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private int _nextId = 10000;

    public ConcurrentDictionary<string, FakeIssue> Issues { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentQueue<string> Requests { get; } = new();
    public HashSet<string> DeletedProjects { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The next create is made, then answered 500: a crash between the remote create and the local commit.</summary>
    public bool LoseNextCreateAnswer { get; set; }
    /// <summary>Every write fails with this probability (500), for a flaky remote.</summary>
    public double FlakyRate { get; set; }
    public int Creates;
    /// <summary>Azure DevOps also takes a bearer token this accepts (an Entra app token for the Azure DevOps resource); null: PATs only.</summary>
    public Func<string, bool>? AcceptBearer { get; set; }
    /// <summary>The scheme ("Basic", "Bearer") of every Azure DevOps request, in order.</summary>
    public ConcurrentQueue<string> AzureDevOpsSchemes { get; } = new();

    public Uri Address { get; private set; } = new("http://127.0.0.1");
    public string JiraUrl => Address.ToString().TrimEnd('/');
    public string AzureDevOpsUrl => Address.ToString().TrimEnd('/') + "/org";

    public void FailNext(int count, int status, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((status, retryAfterSeconds));
        }
    }

    public FakeIssue Issue(string key) => Issues[key];

    public async Task<FakeTicketSystems> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static JsonNode Fixture(string path) => JsonNode.Parse(Encoding.UTF8.GetString(TestFixtures.Read(path)).TrimStart('\uFEFF'))!;

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        Requests.Enqueue($"{method} {path}{context.Request.QueryString}");
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        if (!Authorised(context, path))
        {
            await Json(context, 401, new JsonObject { ["errorMessages"] = new JsonArray("You are not authenticated."), ["errors"] = new JsonObject() });
            return;
        }
        if (_failures.TryDequeue(out var failure) || (method != "GET" && FlakyRate > 0 && Random.Shared.NextDouble() < FlakyRate && (failure = (500, null)) != default))
        {
            if (failure.RetryAfterSeconds is { } wait)
            {
                context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            }
            await Json(context, failure.Status, new JsonObject { ["errorMessages"] = new JsonArray(failure.Status == 429 ? "Rate limit exceeded." : "Internal server error"), ["errors"] = new JsonObject() });
            return;
        }
        if (path.StartsWith("/org/", StringComparison.Ordinal))
        {
            await AzureDevOpsAsync(context, method, path["/org/".Length..], body);
        }
        else
        {
            await JiraAsync(context, method, path, body);
        }
    }

    private bool Authorised(HttpContext context, string path)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var basic = (string user) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Token}"));
        if (path.StartsWith("/org/", StringComparison.Ordinal))
        {
            AzureDevOpsSchemes.Enqueue(header.Split(' ', 2)[0]);
            return header == basic("") || (AcceptBearer is { } accept && header.StartsWith("Bearer ", StringComparison.Ordinal) && accept(header[7..]));
        }
        return path.StartsWith("/rest/api/3/", StringComparison.Ordinal) ? header == basic(JiraEmail) : header == "Bearer " + Token;
    }

    private async Task JiraAsync(HttpContext context, string method, string path, string body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var api = segments.Length > 2 ? "/rest/api/" + segments[2] : "";
        switch (segments)
        {
            case ["rest", "api", _, "project", var key] when method == "GET":
                if (DeletedProjects.Contains(key))
                {
                    await Json(context, 404, new JsonObject { ["errorMessages"] = new JsonArray($"No project could be found with key '{key}'."), ["errors"] = new JsonObject() });
                    return;
                }
                await Json(context, 200, new JsonObject
                {
                    ["self"] = $"{JiraUrl}{api}/project/10000", ["id"] = "10000", ["key"] = key, ["name"] = "Project " + key, ["projectTypeKey"] = "software",
                    ["issueTypes"] = new JsonArray(new JsonObject { ["id"] = "3", ["name"] = "Task", ["subtask"] = false }, new JsonObject { ["id"] = "1", ["name"] = "Bug", ["subtask"] = false }),
                });
                return;
            case ["rest", "api", _, "project", var key, "statuses"] when method == "GET":
                await Json(context, 200, new JsonArray(new JsonObject
                {
                    ["self"] = $"{JiraUrl}{api}/issuetype/3", ["id"] = "3", ["name"] = "Task", ["subtask"] = false,
                    ["statuses"] = new JsonArray(Status("To Do", "1"), Status("In Progress", "10000"), Status("Closed", "6")),
                }));
                return;
            case ["rest", "api", _, "search", ..] when method == "GET":
            {
                var jql = context.Request.Query["jql"].ToString();
                var label = LabelInJql().Match(jql).Groups[1].Value;
                var found = Issues.Values.Where(i => i.Labels.Contains(label)).OrderBy(i => int.Parse(i.Id, CultureInfo.InvariantCulture)).Select(i => JiraIssue(i, api)).ToArray();
                await Json(context, 200, new JsonObject { ["issues"] = new JsonArray(found), ["isLast"] = true });
                return;
            }
            case ["rest", "api", _, "issue"] when method == "POST":
            {
                var fields = JsonNode.Parse(body)!["fields"]!;
                var project = fields["project"]!["key"]!.ToString();
                if (DeletedProjects.Contains(project))
                {
                    await Json(context, 400, new JsonObject { ["errorMessages"] = new JsonArray(), ["errors"] = new JsonObject { ["project"] = "valid project is required" } });
                    return;
                }
                FakeIssue issue;
                lock (_gate)
                {
                    var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                    issue = new FakeIssue { Id = id, Key = $"{project}-{Issues.Count(i => i.Value.Project == project) + 1}", Project = project };
                    Issues[issue.Key] = issue;
                }
                Interlocked.Increment(ref Creates);
                issue.Summary = fields["summary"]!.ToString();
                issue.Description = fields["description"]?.DeepClone();
                issue.Labels.AddRange((fields["labels"] as JsonArray ?? []).Select(l => l!.ToString()));
                if (LoseNextCreateAnswer)
                {
                    LoseNextCreateAnswer = false;
                    await Json(context, 500, new JsonObject { ["errorMessages"] = new JsonArray("Internal server error"), ["errors"] = new JsonObject() });
                    return;
                }
                var created = JiraCreateTemplate.DeepClone();
                created["id"] = issue.Id;
                created["key"] = issue.Key;
                created["self"] = $"{JiraUrl}{api}/issue/{issue.Id}";
                await Json(context, 201, created);
                return;
            }
            case ["rest", "api", _, "issue", var key, ..] when Find(key) is null:
                await Json(context, 404, new JsonObject { ["errorMessages"] = new JsonArray("Issue does not exist or you do not have permission to see it."), ["errors"] = new JsonObject() });
                return;
            case ["rest", "api", _, "issue", var key] when method == "GET":
                await Json(context, 200, JiraIssue(Find(key)!, api, context.Request.Query["expand"].ToString().Contains("changelog", StringComparison.Ordinal)));
                return;
            case ["rest", "api", _, "issue", var key] when method == "PUT":
            {
                var issue = Find(key)!;
                var fields = JsonNode.Parse(body)!["fields"]!;
                issue.Summary = fields["summary"]?.ToString() ?? issue.Summary;
                issue.Description = fields["description"]?.DeepClone() ?? issue.Description;
                issue.Updates++;
                context.Response.StatusCode = 204;
                return;
            }
            case ["rest", "api", _, "issue", var key, "comment"] when method == "POST":
            {
                var issue = Find(key)!;
                var commentBody = JsonNode.Parse(body)!["body"]!;
                var text = commentBody is JsonValue ? commentBody.ToString() : string.Join("", commentBody["content"]!.AsArray().SelectMany(p => p!["content"]!.AsArray()).Select(t => t!["text"]!.ToString()));
                var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                lock (_gate)
                {
                    issue.Comments.Add((id, "K8Posture robot", text));
                }
                await Json(context, 201, new JsonObject { ["id"] = id, ["self"] = $"{JiraUrl}{api}/issue/{issue.Id}/comment/{id}", ["body"] = commentBody.DeepClone() });
                return;
            }
            case ["rest", "api", _, "issue", _, "transitions"] when method == "GET":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JiraTransitions);
                return;
            case ["rest", "api", _, "issue", var key, "transitions"] when method == "POST":
            {
                var id = JsonNode.Parse(body)!["transition"]!["id"]!.ToString();
                var target = JsonNode.Parse(JiraTransitions)!["transitions"]!.AsArray().FirstOrDefault(t => t!["id"]!.ToString() == id)?["to"]?["name"]?.ToString();
                if (target is null)
                {
                    await Json(context, 400, new JsonObject { ["errorMessages"] = new JsonArray($"Transition id '{id}' is not valid for this issue."), ["errors"] = new JsonObject() });
                    return;
                }
                Find(key)!.Status = target;
                context.Response.StatusCode = 204;
                return;
            }
        }
        await Json(context, 404, new JsonObject { ["errorMessages"] = new JsonArray("Not found: " + path), ["errors"] = new JsonObject() });
    }

    private FakeIssue? Find(string keyOrId) => Issues.TryGetValue(keyOrId, out var byKey) ? byKey : Issues.Values.FirstOrDefault(i => i.Id == keyOrId);

    private static JsonObject Status(string name, string id) => new() { ["name"] = name, ["id"] = id, ["description"] = "" };

    /// <summary>The recorded Jira issue with this issue's id, key, summary, status, assignee and comments put in.</summary>
    private JsonNode JiraIssue(FakeIssue issue, string api, bool changelog = false)
    {
        var node = JiraIssueTemplate.DeepClone();
        node["id"] = issue.Id;
        node["key"] = issue.Key;
        node["self"] = $"{JiraUrl}{api}/issue/{issue.Id}";
        var fields = node["fields"]!;
        fields["summary"] = issue.Summary;
        fields["labels"] = new JsonArray([.. issue.Labels.Select(l => (JsonNode)JsonValue.Create(l))]);
        fields["status"]!["name"] = issue.Status;
        fields["description"] = issue.Description?.DeepClone();
        if (issue.Assignee is null)
        {
            fields["assignee"] = null;
        }
        else
        {
            fields["assignee"]!["displayName"] = issue.Assignee;
        }
        if (changelog)
        {
            // GET issue?expand=changelog: histories oldest first; a status change is an item with field "status".
            var histories = new JsonArray(new JsonObject
            {
                ["id"] = "1", ["author"] = new JsonObject { ["displayName"] = "K8Posture robot" }, ["created"] = "2026-01-05T10:00:00.000+0000",
                ["items"] = new JsonArray(new JsonObject { ["field"] = "description", ["fieldtype"] = "jira", ["fromString"] = "", ["toString"] = "" }),
            });
            if (issue.StatusChangedBy is { } changer)
            {
                histories.Add(new JsonObject
                {
                    ["id"] = "2", ["author"] = new JsonObject { ["displayName"] = changer, ["active"] = true }, ["created"] = "2026-01-06T10:00:00.000+0000",
                    ["items"] = new JsonArray(new JsonObject { ["field"] = "status", ["fieldtype"] = "jira", ["from"] = "1", ["fromString"] = "To Do", ["to"] = "6", ["toString"] = issue.Status }),
                });
            }
            node["changelog"] = new JsonObject { ["startAt"] = 0, ["maxResults"] = histories.Count, ["total"] = histories.Count, ["histories"] = histories };
        }
        List<(string Id, string Author, string Text)> comments;
        lock (_gate)
        {
            comments = [.. issue.Comments];
        }
        fields["comment"] = new JsonObject
        {
            ["startAt"] = 0, ["maxResults"] = comments.Count, ["total"] = comments.Count,
            ["comments"] = new JsonArray([.. comments.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id, ["author"] = new JsonObject { ["displayName"] = c.Author, ["name"] = c.Author },
                ["body"] = api.EndsWith('3') ? new JsonObject
                {
                    ["type"] = "doc", ["version"] = 1,
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "paragraph", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = c.Text }) }),
                } : c.Text,
            })]),
        };
        return node;
    }

    private async Task AzureDevOpsAsync(HttpContext context, string method, string path, string body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        switch (segments)
        {
            case [var project, "_apis", "wit", "workitemtypes"] when method == "GET":
                if (DeletedProjects.Contains(project))
                {
                    await Json(context, 404, new JsonObject { ["$id"] = "1", ["message"] = $"TF200016: The following project does not exist: {project}.", ["typeKey"] = "ProjectDoesNotExistException" });
                    return;
                }
                await Json(context, 200, new JsonObject
                {
                    ["count"] = 2,
                    ["value"] = new JsonArray(
                        new JsonObject { ["name"] = "Bug", ["referenceName"] = "Microsoft.VSTS.WorkItemTypes.Bug", ["states"] = new JsonArray(State("New", "Proposed"), State("Active", "InProgress"), State("Resolved", "Resolved"), State("Closed", "Completed")) },
                        new JsonObject { ["name"] = "Task", ["referenceName"] = "Microsoft.VSTS.WorkItemTypes.Task", ["states"] = new JsonArray(State("New", "Proposed"), State("Active", "InProgress"), State("Closed", "Completed")) }),
                });
                return;
            case [_, "_apis", "wit", "wiql"] when method == "POST":
            {
                var tag = TagInWiql().Match(JsonNode.Parse(body)!["query"]!.ToString()).Groups[1].Value;
                var found = Issues.Values.Where(i => i.Labels.Contains(tag)).OrderBy(i => int.Parse(i.Id, CultureInfo.InvariantCulture))
                    .Select(i => (JsonNode)new JsonObject { ["id"] = int.Parse(i.Id, CultureInfo.InvariantCulture), ["url"] = $"{AzureDevOpsUrl}/_apis/wit/workItems/{i.Id}" }).ToArray();
                await Json(context, 200, new JsonObject { ["queryType"] = "flat", ["queryResultType"] = "workItem", ["asOf"] = DateTimeOffset.UtcNow.ToString("O"), ["workItems"] = new JsonArray(found) });
                return;
            }
            case [var project, "_apis", "wit", "workitems", var type] when method == "POST" && type.StartsWith('$'):
            {
                FakeIssue issue;
                lock (_gate)
                {
                    var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                    issue = new FakeIssue { Id = id, Key = id, Project = project, Status = "New" };
                    Issues[issue.Key] = issue;
                }
                Interlocked.Increment(ref Creates);
                ApplyPatch(issue, body);
                await Json(context, 200, WorkItem(issue));
                return;
            }
            case [var project, "_apis", "wit", "workItems", var id, "comments"] when Find(id) is { } issue:
                if (method == "POST")
                {
                    var commentId = (++_nextId).ToString(CultureInfo.InvariantCulture);
                    lock (_gate)
                    {
                        issue.Comments.Add((commentId, "K8Posture robot", System.Net.WebUtility.HtmlDecode(JsonNode.Parse(body)!["text"]!.ToString())));
                    }
                    await Json(context, 200, AzureComment(issue, (commentId, "K8Posture robot", JsonNode.Parse(body)!["text"]!.ToString())));
                    return;
                }
                List<(string Id, string Author, string Text)> comments;
                lock (_gate)
                {
                    comments = [.. issue.Comments];
                }
                await Json(context, 200, new JsonObject { ["totalCount"] = comments.Count, ["count"] = comments.Count, ["comments"] = new JsonArray([.. comments.Select(c => (JsonNode)AzureComment(issue, c))]) });
                return;
            case ["_apis", "wit", "workitems", var id] when Find(id) is null:
                await Json(context, 404, new JsonObject { ["$id"] = "1", ["message"] = $"TF401232: Work item {id} does not exist, or you do not have permissions to read it.", ["typeKey"] = "WorkItemUnauthorizedAccessException" });
                return;
            case ["_apis", "wit", "workitems", var id] when method == "GET":
                await Json(context, 200, WorkItem(Find(id)!));
                return;
            case ["_apis", "wit", "workitems", var id] when method == "PATCH":
            {
                var issue = Find(id)!;
                ApplyPatch(issue, body);
                issue.Updates++;
                await Json(context, 200, WorkItem(issue));
                return;
            }
        }
        await Json(context, 404, new JsonObject { ["$id"] = "1", ["message"] = "Not found: " + path });
    }

    private static JsonObject State(string name, string category) => new() { ["name"] = name, ["color"] = "b2b2b2", ["category"] = category };

    private static JsonObject AzureComment(FakeIssue issue, (string Id, string Author, string Text) c) => new()
    {
        ["workItemId"] = int.Parse(issue.Id, CultureInfo.InvariantCulture), ["id"] = int.Parse(c.Id, CultureInfo.InvariantCulture), ["version"] = 1, ["text"] = c.Text,
        ["createdBy"] = new JsonObject { ["displayName"] = c.Author }, ["createdDate"] = DateTimeOffset.UtcNow.ToString("O"),
    };

    private static void ApplyPatch(FakeIssue issue, string body)
    {
        foreach (var op in JsonNode.Parse(body)!.AsArray())
        {
            var value = op!["value"];
            switch (op["path"]!.ToString())
            {
                case "/fields/System.Title":
                    issue.Summary = value!.ToString();
                    break;
                case "/fields/System.Description":
                    issue.Description = value?.DeepClone();
                    break;
                case "/fields/System.Tags":
                    issue.Labels.AddRange(value!.ToString().Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "/fields/System.State":
                    issue.Status = value!.ToString();
                    break;
            }
        }
    }

    /// <summary>The documented created work item with this item's id, title, state, tags and assignee put in.</summary>
    private JsonNode WorkItem(FakeIssue issue)
    {
        var node = AzureWorkItemTemplate.DeepClone();
        node["id"] = int.Parse(issue.Id, CultureInfo.InvariantCulture);
        node["url"] = $"{AzureDevOpsUrl}/_apis/wit/workItems/{issue.Id}";
        var fields = node["fields"]!;
        fields["System.Title"] = issue.Summary;
        fields["System.State"] = issue.Status;
        fields["System.Tags"] = string.Join("; ", issue.Labels);
        fields["System.TeamProject"] = issue.Project;
        if (issue.Assignee is not null)
        {
            fields["System.AssignedTo"] = new JsonObject { ["displayName"] = issue.Assignee, ["uniqueName"] = "person@example.com" };
        }
        if (issue.StatusChangedBy is not null)
        {
            fields["System.ChangedBy"] = new JsonObject { ["displayName"] = issue.StatusChangedBy, ["uniqueName"] = "changer@example.com" };
        }
        if (node["_links"]?["html"] is JsonObject html)
        {
            html["href"] = $"{AzureDevOpsUrl}/{issue.Project}/_workitems/edit/{issue.Id}";
        }
        return node;
    }

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex("labels = \"([^\"]+)\"")]
    private static partial Regex LabelInJql();

    [GeneratedRegex("\\[System.Tags\\] CONTAINS '([^']+)'")]
    private static partial Regex TagInWiql();
}
