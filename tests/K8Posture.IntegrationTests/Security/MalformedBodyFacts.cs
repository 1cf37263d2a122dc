using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace K8Posture.IntegrationTests.Security;

/// <summary>A portal with a little data of its own (not the demo), so the corpus may change what it likes.</summary>
public sealed class CorpusPortal() : Portal(seedDemo: false)
{
    protected override async Task SeedAsync()
    {
        var team = await App.WithDbAsync(async db =>
        {
            var unit = new BusinessUnit { Name = "Finance" };
            var payments = new Team { Name = HomeTeam, BusinessUnit = unit };
            db.Teams.Add(payments);
            await db.SaveChangesAsync();
            db.Set<K8Posture.Features.Organisation.Application>().Add(new() { Name = "checkout", TeamId = payments.Id });
            await db.SaveChangesAsync();
            return payments.Id;
        });
        await App.SeedClusterAsync("corpus-aks", ("payments", team));
        // Findings and alerts of the home team, so that routes with a {finding} or {alert} reach their handlers' checks.
        using var pipeline = App.CreateApiClient(await App.CreateApiKeyAsync("ingest", team));
        var scan = await pipeline.PostAsync($"/api/v1/ingest/scans?team={HomeTeam}&scope=image:corpus", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        var alerts = await pipeline.PostAsync("/api/v1/ingest/alerts?cluster=corpus-aks", new ByteArrayContent(TestFixtures.Read("falco/falco-terminal-shell-in-container-k8s.json")));
        Assert.True(alerts.IsSuccessStatusCode, $"the alert push answered {(int)alerts.StatusCode}");
    }
}

/// <summary>
/// No body makes any write endpoint answer 5xx. Every POST/PUT/PATCH/DELETE endpoint the app maps gets a fixed corpus of
/// malformed bodies, as every caller the access matrix lets in; an endpoint that declares its JSON body type (Accepts or
/// <see cref="JsonBodyMetadata"/>) also gets a valid-looking body of that type with each field, and each field of its
/// nested objects, made null, wrongly typed, negative, huge or an unknown enum name.
/// </summary>
public sealed class MalformedBodyFacts(CorpusPortal portal, ITestOutputHelper output) : IClassFixture<CorpusPortal>
{
    /// <summary>The lead's: they have their own fuzz tests (Ingestion, Rules).</summary>
    private static readonly IReadOnlyDictionary<string, string> Skipped = new Dictionary<string, string>
    {
        ["POST /api/v1/ingest/scans"] = "raw tool output, fuzzed by the ingestion tests (owned by the lead)",
        ["POST /api/v1/ingest/alerts"] = "raw sensor output, fuzzed by the ingestion tests (owned by the lead)",
        ["POST /api/v1/ingest/inventory"] = "raw inventory exports, fuzzed by the ingestion tests (owned by the lead)",
        ["POST /api/v1/evaluate"] = "raw manifests, fuzzed by the evaluate tests (owned by the lead)",
    };

    private static readonly string[] Writes = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    [Fact]
    public async Task No_malformed_body_gets_a_server_error_from_any_write_endpoint()
    {
        var clock = Stopwatch.StartNew();
        var rows = AccessMatrix.Rows.ToDictionary(r => r.Endpoint);
        var endpoints = portal.Endpoints()
            .Where(e => (e.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Any(m => Writes.Contains(m)))
            .ToList();
        Assert.All(Skipped.Keys, key => Assert.Contains(endpoints, e => e.Key == key));
        var failures = new List<string>();
        var sent = 0;
        var answers = new List<string>();
        foreach (var endpoint in endpoints.Where(e => !Skipped.ContainsKey(e.Key)))
        {
            Assert.True(rows.TryGetValue(endpoint.Key, out var row), $"{endpoint.Key} is not in the access matrix (AccessMatrixFacts says so too)");
            var method = endpoint.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.First(m => Writes.Contains(m));
            var bodyType = endpoint.Endpoint.Metadata.GetMetadata<JsonBodyMetadata>()?.BodyType
                ?? endpoint.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var corpus = Generic().ToList();
            if (bodyType is not null && bodyType != typeof(byte[]))
            {
                corpus.AddRange(Typed(bodyType));
            }
            // Callers the matrix lets in, most privileged first; an endpoint without a declared body (pages, verbs) gets the
            // corpus from its first caller only, because the body cannot reach anything role-specific there.
            var callers = AccessMatrix.Callers.Select((c, i) => (Caller: c, Cell: row!.Cells[i]))
                .Where(c => c.Cell == Access.Allowed)
                .OrderBy(c => c.Caller.Role == K8Posture.Security.Roles.SecurityAdmin ? 0 : c.Caller.Role is not null ? 1 : 2)
                .Select(c => c.Caller)
                .ToList();
            if (bodyType is null)
            {
                callers = callers.Take(1).ToList();
            }
            var path = portal.Fill(row!.SamplePath);
            foreach (var caller in callers)
            {
                foreach (var (name, content, contentType) in corpus)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (content is not null)
                    {
                        request.Content = new ByteArrayContent(content);
                        if (contentType is not null)
                        {
                            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
                        }
                    }
                    using var response = await portal.Clients[caller.Column].SendAsync(request);
                    sent++;
                    answers.Add($"{(int)response.StatusCode} {method} {path} as {caller.Column} with {name}");
                    if ((int)response.StatusCode >= 500)
                    {
                        var text = await response.Content.ReadAsStringAsync();
                        failures.Add($"{method} {path} as {caller.Column} with {name}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)].ReplaceLineEndings(" ")}");
                    }
                }
            }
        }
        // Every answer, for a person looking for bodies that were accepted when they should not have been.
        await File.WriteAllLinesAsync(Path.Combine(Path.GetTempPath(), "k8posture-malformed-body-answers.txt"), answers);
        output.WriteLine($"{sent} requests to {endpoints.Count - Skipped.Count} write endpoints in {clock.Elapsed.TotalSeconds:0.0} s; skipped: "
            + string.Join("; ", Skipped.Select(s => $"{s.Key} ({s.Value})")));
        Assert.True(failures.Count == 0, $"{failures.Count} server error(s):\n" + string.Join("\n", failures.Take(60)));
    }

    private static (string Name, byte[]? Content, string? ContentType) Json(string name, string json) => (name, Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>Bodies that are wrong whatever the endpoint expects.</summary>
    private static IEnumerable<(string Name, byte[]? Content, string? ContentType)> Generic()
    {
        yield return ("no body", null, null);
        yield return Json("an empty body", "");
        yield return Json("not JSON", "this is not JSON {");
        yield return Json("null", "null");
        yield return Json("[]", "[]");
        yield return Json("{}", "{}");
        yield return Json("a string", "\"text\"");
        yield return Json("a number", "-1");
        yield return Json("true", "true");
        yield return Json("deep arrays", new string('[', 5000) + new string(']', 5000));
        yield return Json("deep objects", string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000));
        yield return Json("a huge string", "\"" + new string('a', 2_000_000) + "\"");
        yield return Json("a huge list", "[" + string.Join(",", Enumerable.Repeat("\"x\"", 200_000)) + "]");
        yield return ("invalid UTF-8", [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d], "application/json");
        yield return ("a form", Encoding.UTF8.GetBytes("a=1&b=%ZZ&role=Security.Admin"), "application/x-www-form-urlencoded");
        yield return ("text/plain garbage", Encoding.UTF8.GetBytes("{\"name\":"), "text/plain");
    }

    /// <summary>A valid-looking body of the declared type, then one variant per field (and per field of nested objects) per kind of wrong value.</summary>
    private static IEnumerable<(string Name, byte[]? Content, string? ContentType)> Typed(Type type)
    {
        var valid = Sample(type, 0) ?? new JsonObject();
        yield return Json($"a valid-looking {type.Name}", valid.ToJsonString());
        foreach (var (pointer, value, set) in Slots(valid, ""))
        {
            foreach (var (kind, replacement) in WrongValues(value))
            {
                var body = valid.DeepClone();
                set(body, replacement);
                yield return Json($"{type.Name} with {pointer} {kind}", body.ToJsonString());
            }
        }
    }

    /// <summary>Every field of the top-level object and of objects (and first list items, dictionary values) one level down.</summary>
    private static IEnumerable<(string Pointer, JsonNode? Value, Action<JsonNode, JsonNode?> Set)> Slots(JsonNode root, string prefix, int depth = 0)
    {
        if (root is not JsonObject obj || depth > 2)
        {
            yield break;
        }
        foreach (var (name, value) in obj.ToList())
        {
            var pointer = prefix + "/" + name;
            yield return (pointer, value, (body, replacement) => Navigate(body, pointer)!.AsObject()[name] = replacement);
            var child = value is JsonArray { Count: > 0 } array ? array[0] : value;
            var childPointer = value is JsonArray ? pointer + "/0" : pointer;
            if (child is JsonObject)
            {
                foreach (var slot in Slots(child, childPointer, depth + 1))
                {
                    yield return slot;
                }
            }
        }
    }

    private static JsonNode? Navigate(JsonNode body, string pointer)
    {
        var node = body;
        var parts = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts[..^1])
        {
            node = node is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }
        return node;
    }

    private static IEnumerable<(string Kind, JsonNode? Value)> WrongValues(JsonNode? value)
    {
        yield return ("null", null);
        switch (value?.GetValueKind())
        {
            case JsonValueKind.String:
                yield return ("a number", JsonValue.Create(42));
                yield return ("huge", JsonValue.Create(new string('a', 300_000)));
                yield return ("an unknown name", JsonValue.Create("NoSuchValue!<script>"));
                yield return ("empty", JsonValue.Create(""));
                break;
            case JsonValueKind.Number:
                yield return ("a string", JsonValue.Create("x"));
                yield return ("negative", JsonValue.Create(-5));
                yield return ("beyond int", JsonValue.Create(2147483648L));
                yield return ("absurd", JsonValue.Create(1e308));
                yield return ("fractional", JsonValue.Create(0.5));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                yield return ("a string", JsonValue.Create("x"));
                break;
            case JsonValueKind.Array:
                yield return ("an object", new JsonObject());
                yield return ("a list of nulls", new JsonArray(null, null));
                yield return ("a huge list", new JsonArray(Enumerable.Repeat(0, 20_000).Select(_ => (JsonNode?)JsonValue.Create("x")).ToArray()));
                break;
            case JsonValueKind.Object:
                yield return ("a list", new JsonArray());
                yield return ("a number", JsonValue.Create(7));
                if (value is JsonObject { Count: > 0 } map)
                {
                    // Dictionaries (SLA days by severity…): every value negative, or null.
                    var negative = new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(-5))));
                    yield return ("with every value -5", negative);
                    yield return ("with every value null", new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)null))));
                    yield return ("with an unknown key", new JsonObject { ["NoSuchKey"] = map.First().Value?.DeepClone() });
                }
                break;
        }
    }

    private static readonly JsonNamingPolicy Names = JsonNamingPolicy.CamelCase;

    /// <summary>A plausible JSON value of a .NET type: "x", 1, the first enum name, one item, one dictionary entry, nested objects.</summary>
    private static JsonNode? Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return JsonValue.Create("x");
        }
        if (type == typeof(bool))
        {
            return JsonValue.Create(true);
        }
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return JsonValue.Create(names.Length > 1 ? names[1] : names[0]);
        }
        if (type.IsPrimitive || type == typeof(decimal))
        {
            return JsonValue.Create(1);
        }
        if (type == typeof(DateOnly))
        {
            return JsonValue.Create("2026-01-01");
        }
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return JsonValue.Create("2026-01-01T00:00:00Z");
        }
        if (type == typeof(Guid))
        {
            return JsonValue.Create("4d2a8c1e-0000-4000-8000-000000000003");
        }
        if (depth > 3)
        {
            return null;
        }
        var dictionary = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            var keyType = dictionary.GetGenericArguments()[0];
            var key = keyType.IsEnum ? Enum.GetNames(keyType).Last() : "x";
            return new JsonObject { [key] = Sample(dictionary.GetGenericArguments()[1], depth + 1) };
        }
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var item = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? typeof(string);
            return new JsonArray(Sample(item, depth + 1));
        }
        var result = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0
                     && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null))
        {
            result[Names.ConvertName(property.Name)] = Sample(property.PropertyType, depth + 1);
        }
        return result;
    }
}
