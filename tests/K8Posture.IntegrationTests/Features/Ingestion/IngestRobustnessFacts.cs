using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>Whatever arrives, the push endpoint answers 200 or a 4xx problem, never a 500, and a rejected push writes no finding.</summary>
public sealed class IngestRobustnessFacts : IDisposable
{
    private const long Limit = 4L * 1024 * 1024;

    private readonly K8PostureAppFactory _app = new(seedDemo: false, b => b
        .UseSetting("Ingestion:MaxPayloadBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
        // The corpus is every fixture mutated many ways: more pushes a minute than one pipeline key may make.
        .UseSetting("RateLimits:Ingest:PermitLimit", "100000"));

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> ClientAsync() => _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));

    private static string UniqueScope() => "fuzz:" + Guid.NewGuid().ToString("N");

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return buffer.ToArray();
    }

    private static async Task<HttpStatusCode> ProblemStatusAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task A_gzip_encoded_report_is_accepted()
    {
        using var client = await ClientAsync();
        var report = TestFixtures.Read("trivy/alpine-310.json.golden");
        var content = new ByteArrayContent(Gzip(report));
        content.Headers.ContentEncoding.Add("gzip");

        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={UniqueScope()}", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = (await response.Content.ReadFromJsonAsync<IngestOutcome>(JsonSerializerOptions.Web))!;
        Assert.True(outcome.Created > 0);
        Assert.Equal(report.Length, await _app.ScalarAsync("SELECT PayloadBytes FROM IngestBatches WHERE Id = $id", ("$id", outcome.BatchId)));
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_413_with_or_without_a_length_and_after_decompression()
    {
        using var client = await ClientAsync();
        var findingsBefore = await _app.ScalarAsync("SELECT COUNT(*) FROM Findings");
        var tooLarge = new byte[Limit + 1];
        tooLarge.AsSpan().Fill((byte)' ');

        var declared = await client.PostAsync($"/api/v1/ingest/scans?scope={UniqueScope()}", new ByteArrayContent(tooLarge));
        var chunked = new StreamContent(new MemoryStream(tooLarge));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ingest/scans?scope={UniqueScope()}") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(request);
        // A zip bomb: a few kilobytes that inflate past the limit.
        var bomb = new ByteArrayContent(Gzip(new byte[Limit * 4]));
        bomb.Headers.ContentEncoding.Add("gzip");
        var inflated = await client.PostAsync($"/api/v1/ingest/scans?scope={UniqueScope()}", bomb);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await ProblemStatusAsync(declared));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await ProblemStatusAsync(streamed));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await ProblemStatusAsync(inflated));
        Assert.Equal(findingsBefore, await _app.ScalarAsync("SELECT COUNT(*) FROM Findings"));
    }

    [Fact]
    public async Task Unknown_encodings_formats_and_broken_gzip_are_4xx()
    {
        using var client = await ClientAsync();
        var report = TestFixtures.Read("trivy/alpine-310.json.golden");

        var compress = new ByteArrayContent(report);
        compress.Headers.ContentEncoding.Add("compress");
        var brokenGzip = new ByteArrayContent(Gzip(report)[..200].Concat(new byte[64]).ToArray());
        brokenGzip.Headers.ContentEncoding.Add("gzip");
        var unknownFormat = await client.PostAsync("/api/v1/ingest/scans?format=nessus", new ByteArrayContent(report));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await ProblemStatusAsync(await client.PostAsync("/api/v1/ingest/scans", compress)));
        Assert.Equal(HttpStatusCode.BadRequest, await ProblemStatusAsync(await client.PostAsync("/api/v1/ingest/scans", brokenGzip)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await ProblemStatusAsync(unknownFormat));
        Assert.Contains("grype-json", (await unknownFormat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fuzz_corpus_never_gets_a_500_nor_a_partial_write()
    {
        using var client = await ClientAsync();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var (name, payload) in FuzzCorpus.Build(Path.Combine(AppContext.BaseDirectory, "fixtures")))
        {
            var findingsBefore = await _app.ScalarAsync("SELECT COUNT(*) FROM Findings");
            var response = await client.PostAsync($"/api/v1/ingest/scans?scope={UniqueScope()}", new ByteArrayContent(payload));
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is not (200 or 400 or 413 or 415))
            {
                failures.Add($"{name}: {status} {await response.Content.ReadAsStringAsync()}");
                continue;
            }
            if (status != 200)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                if (await _app.ScalarAsync("SELECT COUNT(*) FROM Findings") != findingsBefore)
                {
                    failures.Add($"{name}: {status} but findings were written");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The corpus is large enough to mean something, and holds both survivors and rejects.
        Assert.True(statuses.Values.Sum() > 150, $"only {statuses.Values.Sum()} payloads");
        Assert.True(statuses.GetValueOrDefault(200) > 0 && statuses.GetValueOrDefault(400) > 50, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }
}

/// <summary>
/// Malformed variants of the real fixtures: truncations at sampled offsets, type swaps (string ↔ number ↔ array), a 1 MB
/// string, 10,000 levels of nesting, invalid UTF-8, UTF-16 with a BOM, and a few payloads that are nothing at all.
/// </summary>
internal static class FuzzCorpus
{
    public static IEnumerable<(string Name, byte[] Payload)> Build(string fixturesRoot)
    {
        var random = new Random(20261127);
        yield return ("empty", []);
        yield return ("whitespace", "   \n\t "u8.ToArray());
        yield return ("null", "null"u8.ToArray());
        yield return ("deep-nesting-array", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("deep-nesting-object", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)));
        for (var i = 0; i < 3; i++)
        {
            var noise = new byte[1 + random.Next(64 * 1024)];
            random.NextBytes(noise);
            yield return ($"random-{i}", noise);
        }

        var fixtures = Directory.EnumerateFiles(fixturesRoot, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".golden", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in fixtures)
        {
            var name = Path.GetRelativePath(fixturesRoot, file);
            var bytes = File.ReadAllBytes(file);
            foreach (var fraction in new[] { 0.01, 0.33, 0.5, 0.9, 0.999 })
            {
                var offset = Math.Max(1, (int)(bytes.Length * fraction));
                yield return ($"{name} truncated at {offset}", bytes[..offset]);
            }
            yield return ($"{name} truncated at random", bytes[..(1 + random.Next(bytes.Length - 1))]);

            var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(bytes))).ToArray();
            yield return ($"{name} as UTF-16 with BOM", utf16);
            yield return ($"{name} with invalid UTF-8", WithInvalidUtf8(bytes));

            JsonNode? root;
            try
            {
                root = JsonNode.Parse(bytes);
            }
            catch (JsonException)
            {
                continue;
            }
            if (root is null)
            {
                continue;
            }
            foreach (var (kind, mutate) in Mutations)
            {
                var copy = JsonNode.Parse(bytes)!;
                if (mutate(copy, random))
                {
                    yield return ($"{name} {kind}", Encoding.UTF8.GetBytes(copy.ToJsonString()));
                }
            }
        }
    }

    private static byte[] WithInvalidUtf8(byte[] bytes)
    {
        // Inside the first string value: a lone continuation byte and an overlong sequence.
        var quote = Array.IndexOf(bytes, (byte)'"', Array.IndexOf(bytes, (byte)':') + 1);
        var at = quote < 0 ? bytes.Length / 2 : quote + 1;
        return [.. bytes[..at], 0x80, 0xC0, 0xAF, 0xFF, .. bytes[at..]];
    }

    private static readonly (string Kind, Func<JsonNode, Random, bool> Mutate)[] Mutations =
    [
        ("strings to numbers", (root, random) => Swap(root, random, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String, _ => JsonValue.Create(42.5))),
        ("numbers to arrays", (root, random) => Swap(root, random, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number, _ => new JsonArray(1, "two"))),
        ("arrays to strings", (root, random) => Swap(root, random, n => n is JsonArray, _ => JsonValue.Create("not an array"))),
        ("objects to numbers", (root, random) => Swap(root, random, n => n is JsonObject, _ => JsonValue.Create(-1))),
        ("a 1 MB string", (root, random) => Swap(root, random, n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String, _ => JsonValue.Create(new string('x', 1024 * 1024)), count: 1)),
    ];

    /// <summary>Replaces up to <paramref name="count"/> randomly chosen nodes matching <paramref name="match"/> (the root excluded).</summary>
    private static bool Swap(JsonNode root, Random random, Func<JsonNode, bool> match, Func<JsonNode, JsonNode> replacement, int count = 3)
    {
        var candidates = Descendants(root).Where(n => n.Parent is not null && match(n)).ToList();
        if (candidates.Count == 0)
        {
            return false;
        }
        foreach (var node in candidates.OrderBy(_ => random.Next()).Take(count).ToList())
        {
            switch (node.Parent)
            {
                case JsonObject parent:
                    parent[node.GetPropertyName()] = replacement(node);
                    break;
                case JsonArray parent:
                    parent[node.GetElementIndex()] = replacement(node);
                    break;
            }
        }
        return true;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        var stack = new Stack<JsonNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            IEnumerable<JsonNode?> children = current switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is not null)
                {
                    stack.Push(child);
                }
            }
        }
    }
}
