using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8Posture.Features.Ingestion.Parsers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// A tiny Kubernetes API server on loopback (Kestrel, dynamic port): /version and list endpoints of core, apps, batch,
/// networking, RBAC and the Trivy Operator / PolicyReport / Gateway API CRDs, served from fixture manifests, with limit/continue paging
/// and a bearer token check. CRD groups that are not "installed" answer 404, as a real API server does.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string DefaultToken = "fake-token-s3cr3t-value";

    private readonly List<JsonObject> _objects = [];
    private readonly HashSet<string> _installedGroups = ["", "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io"];
    private WebApplication? _app;

    public string Token { get; set; } = DefaultToken;

    /// <summary>Every list request: path, limit and continue token.</summary>
    public ConcurrentQueue<(string Path, int? Limit, string? Continue)> Requests { get; } = new();

    public Uri Address { get; private set; } = new("http://127.0.0.1");

    private (string Path, string? Continue, TaskCompletionSource Reached, TaskCompletionSource Released)? _hold;

    /// <summary>
    /// The next list request of <paramref name="path"/> with <paramref name="continueToken"/> (null: the first page) hangs
    /// until <see cref="Release"/>: a collection caught half-way through its paging. The task completes when it got there.
    /// </summary>
    public Task HoldPage(string path, string? continueToken)
    {
        var hold = (path, continueToken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _hold = hold;
        return hold.Item3.Task;
    }

    public void Release()
    {
        _hold?.Released.TrySetResult();
        _hold = null;
    }

    public FakeKubernetesApi InstallCrds(params string[] groups)
    {
        foreach (var group in groups)
        {
            _installedGroups.Add(group);
        }
        return this;
    }

    /// <summary>Adds every object of the fixture files (YAML or JSON, several documents or a List).</summary>
    public FakeKubernetesApi AddFixtures(params string[] relativePaths)
    {
        foreach (var path in relativePaths)
        {
            using var documents = KubernetesDocuments.Parse(TestFixtures.Read(path), "fixture");
            foreach (var o in documents.Objects)
            {
                Add(JsonNode.Parse(o.Element.GetRawText())!.AsObject());
            }
        }
        return this;
    }

    public FakeKubernetesApi Add(JsonObject obj)
    {
        _objects.Add(obj);
        return this;
    }

    /// <summary>Deletes objects, e.g. the reports of an operator (between two collections).</summary>
    public int Remove(Func<JsonObject, bool> match) => _objects.RemoveAll(o => match(o));

    public FakeKubernetesApi AddNamespace(string name, string? team = null)
    {
        var labels = new JsonObject { ["kubernetes.io/metadata.name"] = name };
        if (team is not null)
        {
            labels["team"] = team;
        }
        _objects.RemoveAll(o => Kind(o) == "Namespace" && Name(o) == name);
        return Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels } });
    }

    /// <summary>Synthetic pods for paging and benchmarks.</summary>
    public FakeKubernetesApi AddPods(int count, int namespaces)
    {
        for (var n = 0; n < namespaces; n++)
        {
            AddNamespace("ns-" + n.ToString(CultureInfo.InvariantCulture));
        }
        for (var i = 0; i < count; i++)
        {
            var ns = "ns-" + (i % Math.Max(1, namespaces)).ToString(CultureInfo.InvariantCulture);
            Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["name"] = "pod-" + i.ToString(CultureInfo.InvariantCulture), ["namespace"] = ns },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "app",
                        ["image"] = "registry.example.com/team/app:1." + (i % 7).ToString(CultureInfo.InvariantCulture),
                        ["securityContext"] = new JsonObject { ["privileged"] = i % 10 == 0 },
                    }),
                },
            });
        }
        return this;
    }

    public async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address);
        return this;
    }

    /// <summary>A kubeconfig with two contexts; the current one points at this server with the token.</summary>
    public string Kubeconfig(string contextName = "fake") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake-cluster
          cluster:
            server: {Address.ToString().TrimEnd('/')}
        - name: other-cluster
          cluster:
            server: http://127.0.0.1:1
        users:
        - name: reader
          user:
            token: {Token}
        contexts:
        - name: {contextName}
          context:
            cluster: fake-cluster
            user: reader
        - name: other
          context:
            cluster: other-cluster
            user: reader
        current-context: {contextName}
        """;

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            await Status(context, 401, "Unauthorized");
            return;
        }
        var path = context.Request.Path.Value!.TrimEnd('/');
        if (path == "/version")
        {
            await context.Response.WriteAsJsonAsync(new { major = "1", minor = "31", gitVersion = "v1.31.0-fake", platform = "linux/amd64" });
            return;
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /api/v1/{plural} or /apis/{group}/{version}/{plural}
        string group, version, plural;
        if (segments is ["api", var v, var p])
        {
            (group, version, plural) = ("", v, p);
        }
        else if (segments is ["apis", var g, var v2, var p2])
        {
            (group, version, plural) = (g, v2, p2);
        }
        else
        {
            await Status(context, 404, "NotFound");
            return;
        }
        if (!_installedGroups.Contains(group))
        {
            await Status(context, 404, "NotFound");
            return;
        }
        int? limit = int.TryParse(context.Request.Query["limit"], out var l) ? l : null;
        string? continueToken = context.Request.Query["continue"];
        Requests.Enqueue((path, limit, continueToken));
        if (_hold is { } hold && hold.Path == path && (hold.Continue ?? "") == (continueToken ?? ""))
        {
            hold.Reached.TrySetResult();
            try
            {
                await hold.Released.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var apiVersion = group.Length == 0 ? version : group + "/" + version;
        var items = _objects.Where(o => (string?)o["apiVersion"] == apiVersion && Plural(Kind(o)) == plural).ToList();
        var offset = continueToken is { Length: > 0 } ? int.Parse(continueToken.AsSpan(4), CultureInfo.InvariantCulture) : 0;
        var take = limit is > 0 ? limit.Value : int.MaxValue;
        var page = items.Skip(offset).Take(take).ToList();
        var next = offset + page.Count < items.Count ? "off:" + (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        var metadata = new JsonObject { ["resourceVersion"] = "1" };
        if (next is not null)
        {
            metadata["continue"] = next;
            metadata["remainingItemCount"] = items.Count - offset - page.Count;
        }
        var kind = page.Count > 0 ? Kind(page[0]) : KindOf(plural);
        var list = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind + "List",
            ["metadata"] = metadata,
            ["items"] = new JsonArray([.. page.Select(o => WithNamespace(o.DeepClone().AsObject()))]),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(list.ToJsonString());
    }

    private static JsonObject WithNamespace(JsonObject o)
    {
        var kind = Kind(o);
        if (kind is not ("Namespace" or "Node" or "ClusterRole" or "ClusterRoleBinding") && !kind.StartsWith("Cluster", StringComparison.Ordinal)
            && o["metadata"] is JsonObject meta && meta["namespace"] is null)
        {
            meta["namespace"] = "default";
        }
        return o;
    }

    private static string Kind(JsonObject o) => (string?)o["kind"] ?? "";

    private static string? Name(JsonObject o) => (string?)o["metadata"]?["name"];

    private static string Plural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        return lower.EndsWith('y') ? lower[..^1] + "ies" : lower.EndsWith('s') ? lower + "es" : lower + "s";
    }

    private static string KindOf(string plural) => plural;

    private static async Task Status(HttpContext context, int code, string reason)
    {
        context.Response.StatusCode = code;
        await context.Response.WriteAsJsonAsync(new { kind = "Status", apiVersion = "v1", status = "Failure", reason, code });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
