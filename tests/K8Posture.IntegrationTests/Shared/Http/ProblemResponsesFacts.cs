using System.Net;
using System.Text;
using System.Text.Json;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Hosting;

namespace K8Posture.IntegrationTests.Shared.Http;

/// <summary>
/// Problems written outside an endpoint (the authentication challenge and forbid of either scheme, the rate limiter's
/// refusal) come out of the same writer as an endpoint's refusal: the same fields, content type and trace id.
/// </summary>
public sealed class ProblemResponsesFacts : IAsyncLifetime
{
    private readonly K8PostureAppFactory _app = new(seedDemo: false, builder =>
        builder.UseSetting("RateLimits:FailedKeyChecks:PermitLimit", "1"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()), body);
        return problem;
    }

    private static string Type(JsonElement problem) => problem.GetProperty("type").GetString()!;

    [Fact]
    public async Task A_missing_credential_is_answered_with_the_same_401_problem_by_the_key_handler_and_the_cookie()
    {
        const string Detail = "Sign in, or send a pipeline key (Authorization: Bearer k8p_…) or an Entra ID access token.";
        using var anonymous = _app.CreateApiClient();
        using var byKeyHandler = await anonymous.GetAsync("/api/v1/findings");
        var keyProblem = await AssertProblemAsync(byKeyHandler, HttpStatusCode.Unauthorized, "Authentication required", Detail);
        Assert.Equal("Bearer", byKeyHandler.Headers.WwwAuthenticate.ToString());

        // A cookie that is no longer valid: the cookie scheme challenges, and on an API path answers the same problem.
        using var staleCookie = new HttpRequestMessage(HttpMethod.Get, "/api/v1/findings");
        staleCookie.Headers.Add("Cookie", SecurityRegistration.AuthCookieName + "=expired");
        using var byCookie = await anonymous.SendAsync(staleCookie);
        var cookieProblem = await AssertProblemAsync(byCookie, HttpStatusCode.Unauthorized, "Authentication required", Detail);

        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.2", Type(keyProblem));
        Assert.Equal(Type(keyProblem), Type(cookieProblem));
    }

    [Fact]
    public async Task A_caller_without_the_scope_or_role_gets_the_same_403_problem_as_a_service_refusal()
    {
        const string Detail = "The caller is authenticated but lacks the scope or role this endpoint needs.";
        using var readKey = _app.CreateApiClient(await _app.CreateApiKeyAsync("read"));
        using var byKeyHandler = await readKey.PostAsync("/api/v1/evaluate", new StringContent("kind: Pod", Encoding.UTF8, "application/yaml"));
        var keyProblem = await AssertProblemAsync(byKeyHandler, HttpStatusCode.Forbidden, "Forbidden", Detail);

        using var auditor = await _app.SignedInClientAsync(Roles.Auditor);
        using var byCookie = await auditor.PostAsync("/api/v1/evaluate", new StringContent("kind: Pod", Encoding.UTF8, "application/yaml"));
        var cookieProblem = await AssertProblemAsync(byCookie, HttpStatusCode.Forbidden, "Forbidden", Detail);

        // An endpoint's own refusal (a ProblemException through the exception handler): a team's key pushing for another team.
        var home = await _app.SeedTeamAsync("problems-home");
        await _app.SeedTeamAsync("problems-other");
        using var teamKey = _app.CreateApiClient(await _app.CreateApiKeyAsync("ingest", home));
        using var byService = await teamKey.PostAsync("/api/v1/ingest/scans?cluster=problems&team=problems-other",
            new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")));
        var serviceProblem = JsonDocument.Parse(await byService.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.4", Type(keyProblem));
        Assert.Equal(Type(keyProblem), Type(cookieProblem));
        Assert.Equal(403, serviceProblem.GetProperty("status").GetInt32());
        Assert.Equal(Type(keyProblem), Type(serviceProblem));
        Assert.False(string.IsNullOrWhiteSpace(serviceProblem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task The_failed_key_lockout_answers_a_429_problem_with_retry_after()
    {
        using var client = _app.CreateApiClient();
        HttpRequestMessage Guess()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/findings");
            request.Headers.Authorization = new("Bearer", ApiKeySecrets.NewSecret());
            request.Headers.Add("X-Forwarded-For", "198.51.100.77");
            return request;
        }

        using var first = await client.SendAsync(Guess());
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        using var locked = await client.SendAsync(Guess());
        await AssertProblemAsync(locked, HttpStatusCode.TooManyRequests, "Too many requests",
            $"More than 1 unknown or revoked pipeline keys came from this address within 300 s (RateLimits:FailedKeyChecks); no key from it is checked for {locked.Headers.RetryAfter?.Delta?.TotalSeconds} s.");
    }
}
