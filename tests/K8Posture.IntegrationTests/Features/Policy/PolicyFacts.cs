using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Features.Rules;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using K8Posture.Shared;

namespace K8Posture.IntegrationTests.Features.Policy;

public sealed class PolicyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static object SaveRequest(PolicyDocument document, string comment) => new { document, comment };

    private static async Task<int> SaveAsync(HttpClient client, PolicyDocument document, string comment)
    {
        var response = await client.PostAsync("/api/v1/policy", JsonContent.Create(SaveRequest(document, comment), options: HttpJson.Indented));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
    }

    [Fact]
    public async Task A_security_admin_saves_a_new_version_and_it_is_audited()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var document = PolicyDocument.Default();
        document.AllowedRegistries.Add("contoso.azurecr.io");

        var version = await SaveAsync(admin, document, "Allow the internal registry");

        var current = await admin.GetFromJsonAsync<JsonElement>("/api/v1/policy");
        Assert.Equal(version, current.GetProperty("version").GetInt32());
        Assert.Contains("contoso.azurecr.io", current.GetProperty("document").GetProperty("allowedRegistries").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'policy.save' AND EntityId = $v AND Before IS NOT NULL AND After LIKE '%contoso.azurecr.io%'",
            ("$v", version.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/policy/versions");
        Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("version").GetInt32() == version && v.GetProperty("comment").GetString() == "Allow the internal registry");
        var diff = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/policy/diff?from={version - 1}&to={version}");
        Assert.Contains(diff.EnumerateArray(), l => l.GetProperty("kind").GetString() == "Added" && l.GetProperty("text").GetString()!.Contains("contoso.azurecr.io", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Roles.SecurityAnalyst)]
    [InlineData(Roles.AppTeamMember)]
    [InlineData(Roles.LeadershipViewer)]
    public async Task Nobody_but_a_security_admin_may_save(string role)
    {
        int? teamId = role == Roles.AppTeamMember ? await app.SeedTeamAsync("team-" + Guid.NewGuid().ToString("N")[..8]) : null;
        using var client = await app.SignedInClientAsync(role, teamId);
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM PolicyVersions");

        var response = await client.PostAsync("/api/v1/policy", JsonContent.Create(SaveRequest(PolicyDocument.Default(), "weaken it"), options: HttpJson.Indented));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM PolicyVersions"));
        // Everyone signed in may read it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/policy")).StatusCode);
    }

    [Fact]
    public async Task The_store_refuses_a_non_admin_even_when_a_page_calls_it()
    {
        var analyst = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "analyst"), new Claim(ClaimTypes.Role, Roles.SecurityAnalyst)], "test"));

        var error = await Assert.ThrowsAsync<ProblemException>(() => app.AsSystemAsync(services =>
            services.GetRequiredService<PolicyStore>().SaveNewVersionAsync(analyst, PolicyDocument.Default(), "sneaky", null, CancellationToken.None)));

        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task An_invalid_policy_is_rejected_with_the_reasons()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var document = PolicyDocument.Default();
        document.RuleSwitches["K8P-NOPE-999"] = false;
        document.SlaDays[FindingSeverity.Critical] = 0;

        var response = await admin.PostAsync("/api/v1/policy", JsonContent.Create(SaveRequest(document, ""), options: HttpJson.Indented));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("K8P-NOPE-999", detail, StringComparison.Ordinal);
        Assert.Contains("comment", detail, StringComparison.Ordinal);
        Assert.Contains("SLA days for Critical", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_honours_the_saved_severity_override_and_rule_switch()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        using var pipeline = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));
        var document = PolicyDocument.Default();
        document.SeverityOverrides["K8P-PSS-002"] = FindingSeverity.Medium;
        document.RuleSwitches["K8P-PSS-013"] = false;

        var version = await SaveAsync(admin, document, "Privileged is tolerated for the node agents");
        var result = await EvaluateEndpointFacts.EvaluateAsync(pipeline, EvaluateEndpointFacts.PrivilegedPod);

        Assert.Equal(version, result.GetProperty("policyVersion").GetInt32());
        var findings = result.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal("Medium", findings.Single(f => f.GetProperty("ruleId").GetString() == "K8P-PSS-002").GetProperty("severity").GetString());
        Assert.DoesNotContain(findings, f => f.GetProperty("ruleId").GetString() == "K8P-PSS-013");
        Assert.True(result.GetProperty("passed").GetBoolean(), result.ToString());
    }

    [Theory]
    [InlineData("""{"document": {"allowedRegistries": null, "slaDays": {"Critical": -5}}, "comment": "x"}""", "/document/allowedRegistries")]
    [InlineData("""{"document": {"allowedRegistries": ["ok.example", null]}, "comment": "x"}""", "/document/allowedRegistries/1")]
    [InlineData("""{"document": {"namespaceOwnership": {"explicit": {"prod/pay": null}}}, "comment": "x"}""", "/document/namespaceOwnership/explicit/prod/pay")]
    [InlineData("""{"document": {"namespaceOwnership": null}, "comment": "x"}""", "/document/namespaceOwnership")]
    [InlineData("""{"document": {"severityOverrides": {"K8P-001": 99}}, "comment": "x"}""", "/document/severityOverrides")]
    [InlineData("""{"document": {"alertSuppressions": [null]}, "comment": "x"}""", "/document/alertSuppressions/0")]
    public async Task A_document_with_nulls_or_undefined_values_is_a_400_naming_the_field_and_saves_nothing(string body, string pointer)
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var versionsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM PolicyVersions");

        var response = await admin.PostAsync("/api/v1/policy", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(pointer, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(versionsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM PolicyVersions"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_not_a_server_error()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var response = await admin.PostAsync("/api/v1/policy", new StringContent("allowedRegistries=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
