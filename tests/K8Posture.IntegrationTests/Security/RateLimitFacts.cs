using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Security;

/// <summary>The rate limits of the real app, with small limits configured so that a test can reach them.</summary>
public sealed partial class RateLimitFacts : IAsyncLifetime
{
    private const int Limit = 3;
    private readonly K8PostureAppFactory _app = new(seedDemo: false, builder =>
    {
        builder.UseSetting("RateLimits:Ingest:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:Evaluate:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:SignIn:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:FailedKeyChecks:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertTooManyRequestsAsync(HttpResponseMessage response, string setting)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(setting, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Pushes_are_limited_per_key_across_the_ingest_endpoints()
    {
        using var busy = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));
        using var other = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest"));

        for (var i = 0; i < Limit; i++)
        {
            using var accepted = await busy.PostAsync("/api/v1/ingest/scans?cluster=limits", Json("{}"));
            // "{}" is no scan report: refused as unrecognised (400), yet counted against the key.
            Assert.Equal(HttpStatusCode.BadRequest, accepted.StatusCode);
        }
        using var refused = await busy.PostAsync("/api/v1/ingest/scans?cluster=limits", Json("{}"));
        await AssertTooManyRequestsAsync(refused, "RateLimits:Ingest");
        using var alerts = await busy.PostAsync("/api/v1/ingest/alerts", Json("[]"));
        Assert.Equal(HttpStatusCode.TooManyRequests, alerts.StatusCode);
        using var inventory = await busy.PostAsync("/api/v1/ingest/inventory", Json("[]"));
        Assert.Equal(HttpStatusCode.TooManyRequests, inventory.StatusCode);

        using var otherKey = await other.PostAsync("/api/v1/ingest/scans?cluster=limits", Json("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, otherKey.StatusCode);
    }

    [Fact]
    public async Task Policy_checks_are_limited_per_key()
    {
        using var client = _app.CreateApiClient(await _app.CreateApiKeyAsync("evaluate"));
        for (var i = 0; i < Limit; i++)
        {
            using var evaluated = await client.PostAsync("/api/v1/evaluate", new StringContent(Features.Rules.EvaluateEndpointFacts.PrivilegedPod, Encoding.UTF8, "application/yaml"));
            Assert.Equal(HttpStatusCode.OK, evaluated.StatusCode);
        }
        using var refused = await client.PostAsync("/api/v1/evaluate", new StringContent(Features.Rules.EvaluateEndpointFacts.PrivilegedPod, Encoding.UTF8, "application/yaml"));
        await AssertTooManyRequestsAsync(refused, "RateLimits:Evaluate");
    }

    [Fact]
    public async Task Sign_in_is_limited_per_client_address()
    {
        // A fresh visitor each time: the antiforgery token of an anonymous form is not valid once signed in.
        async Task<HttpResponseMessage> SignInAsync()
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _app.ServerAddress };
            var token = WebUtility.HtmlDecode(Antiforgery().Match(await client.GetStringAsync("/account/signin")).Groups[1].Value);
            return await client.PostAsync("/account/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["role"] = Roles.Auditor,
            }));
        }

        for (var i = 0; i < Limit; i++)
        {
            using var signedIn = await SignInAsync();
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }
        using var refused = await SignInAsync();
        await AssertTooManyRequestsAsync(refused, "RateLimits:SignIn");
    }

    [Fact]
    public async Task Guessing_keys_locks_the_address_out_even_for_a_valid_key()
    {
        var valid = await _app.CreateApiKeyAsync("read");
        using var client = _app.CreateApiClient();
        HttpRequestMessage From(string address, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/findings");
            request.Headers.Authorization = new("Bearer", key);
            request.Headers.Add("X-Forwarded-For", address);
            return request;
        }

        for (var i = 0; i < Limit; i++)
        {
            using var guessed = await client.SendAsync(From("198.51.100.23", ApiKeySecrets.NewSecret()));
            Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
        }
        using var locked = await client.SendAsync(From("198.51.100.23", ApiKeySecrets.NewSecret()));
        await AssertTooManyRequestsAsync(locked, "RateLimits:FailedKeyChecks");
        using var validButLocked = await client.SendAsync(From("198.51.100.23", valid));
        Assert.Equal(HttpStatusCode.TooManyRequests, validButLocked.StatusCode);

        using var elsewhere = await client.SendAsync(From("198.51.100.24", valid));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_huge_declared_body_is_refused_before_any_of_it_is_read()
    {
        // 2 GB announced, nothing sent: an answer can only come if neither the limiter nor authentication waits for the body.
        var anonymous = await SendHeadersOnlyAsync(null);
        Assert.StartsWith("HTTP/1.1 401", anonymous, StringComparison.Ordinal);

        var key = await _app.CreateApiKeyAsync("ingest");
        for (var i = 0; i < Limit; i++)
        {
            using var spent = await _app.CreateApiClient(key).PostAsync("/api/v1/ingest/scans?cluster=limits", Json("{}"));
        }
        var limited = await SendHeadersOnlyAsync(key);
        Assert.StartsWith("HTTP/1.1 429", limited, StringComparison.Ordinal);
    }

    private async Task<string> SendHeadersOnlyAsync(string? key)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_app.ServerAddress.Host, _app.ServerAddress.Port);
        var stream = tcp.GetStream();
        var head = "POST /api/v1/ingest/scans HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n"
            + (key is null ? "" : $"Authorization: Bearer {key}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public void Every_push_policy_check_and_sign_in_endpoint_has_its_limit()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var pushes = endpoints.Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/ingest/", StringComparison.Ordinal) == true
            && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true).ToList();
        // scans, alerts, inventory and VEX documents
        Assert.Equal(4, pushes.Count);
        Assert.All(pushes, e => Assert.Equal(RateLimitPolicies.Ingest, e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName));
        Assert.Equal(RateLimitPolicies.Evaluate, Single(endpoints, "/api/v1/evaluate").Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
        Assert.Equal(RateLimitPolicies.SignIn, Single(endpoints, "/account/challenge").Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
        Assert.Equal(RateLimitPolicies.SignIn, Single(endpoints, "/account/signin/local").Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
    }

    private static RouteEndpoint Single(IEnumerable<RouteEndpoint> endpoints, string route) =>
        Assert.Single(endpoints, e => string.Equals("/" + e.RoutePattern.RawText?.TrimStart('/'), route, StringComparison.Ordinal));

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
