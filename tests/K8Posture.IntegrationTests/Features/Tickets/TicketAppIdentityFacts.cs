using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Tickets;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Tickets;

/// <summary>The app in Entra ID mode (client id + secret) against the fake Entra token endpoint and the fake Azure DevOps on loopback.</summary>
public sealed class TicketAppIdentityFixture : IAsyncLifetime
{
    public FakeEntraId Entra { get; } = new();
    public FakeTicketSystems Remote { get; } = new();
    public CollectedLogs Logs { get; } = new();
    public K8PostureAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Entra.StartAsync();
        await Remote.StartAsync();
        // The fake Azure DevOps accepts exactly the tokens the fake Entra issued for the Azure DevOps resource.
        Remote.AcceptBearer = token => Entra.IssuedAppToken(token, AzureDevOpsRemote.AppIdentityScope);
        App = EntraAppFixture.CreateApp(Entra, Logs, withClientSecret: true);
        _ = App.ServerAddress;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Remote.DisposeAsync();
        await Entra.DisposeAsync();
    }
}

public sealed class TicketAppIdentityFacts(TicketAppIdentityFixture fixture) : IClassFixture<TicketAppIdentityFixture>
{
    private const string WebhookSecret = "whsec-app-identity-0001";

    private async Task<HttpClient> AdminAsync() => fixture.App.CreateApiClient(await fixture.App.CreateApiKeyAsync("admin"));

    [Fact]
    public async Task An_azure_devops_connection_on_the_apps_entra_identity_calls_with_a_bearer_for_the_azure_devops_resource_and_stores_no_pat()
    {
        using var admin = await AdminAsync();
        var name = "ado-entra-" + Guid.NewGuid().ToString("N")[..8];
        var saved = await admin.PostAsJsonAsync("/api/v1/tickets/connections", new
        {
            name, system = "AzureDevOps", baseUrl = fixture.Remote.AzureDevOpsUrl, useAppIdentity = true, webhookSecret = WebhookSecret,
        });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var dto = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(dto.GetProperty("usesAppIdentity").GetBoolean());
        var id = dto.GetProperty("id").GetInt32();
        var schemesBefore = fixture.Remote.AzureDevOpsSchemes.Count;

        var tested = await (await admin.PostAsync($"/api/v1/tickets/connections/{id}/test?project=Payments", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(tested.GetProperty("ok").GetBoolean(), tested.ToString());
        Assert.Equal(["Bug", "Task"], tested.GetProperty("project").GetProperty("issueTypes").EnumerateArray().Select(t => t.GetString()!).ToArray());
        var tokenRequest = Assert.Single(fixture.Entra.TokenRequests, r => r.GetValueOrDefault("scope") == AzureDevOpsRemote.AppIdentityScope);
        Assert.Equal("client_credentials", tokenRequest["grant_type"]);
        Assert.Equal("499b84ac-1321-427f-aa17-267ca6975798/.default", tokenRequest["scope"]);
        Assert.Equal(FakeEntraId.ClientId, tokenRequest["authenticated_client_id"]);
        Assert.Equal(["Bearer"], fixture.Remote.AzureDevOpsSchemes.Skip(schemesBefore).ToArray());

        // A work item created through the connection carries the bearer too; the cached token is reused, not fetched again.
        var connection = await fixture.App.WithDbAsync(db => db.TicketConnections.SingleAsync(c => c.Id == id));
        var created = await fixture.App.AsSystemAsync(async services =>
        {
            var endpoint = services.GetRequiredService<TicketConnectionSecrets>().Endpoint(connection);
            Assert.Equal("", endpoint.Token);
            return await services.GetRequiredService<TicketRemotes>().For(TicketSystem.AzureDevOps).CreateAsync(endpoint, "Payments", "Bug",
                new TicketContent("Upgrade payments-api → fixes 1 CVE", "[K8Posture] 1 open finding", [("CVE-2023-3446 in libssl3", "https://k8posture.example.com/findings?finding=1")],
                    "k8p-app-identity", ["security"], "2", null), CancellationToken.None);
        });
        Assert.Equal("Upgrade payments-api → fixes 1 CVE", fixture.Remote.Issue(created.Key).Summary);
        Assert.Single(fixture.Entra.TokenRequests, r => r.GetValueOrDefault("scope") == AzureDevOpsRemote.AppIdentityScope);
        Assert.All(fixture.Remote.AzureDevOpsSchemes.Skip(schemesBefore), scheme => Assert.Equal("Bearer", scheme));

        // The client secret and the token stay out of the audit and the logs.
        var audit = await fixture.App.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == "ticket-connection.create" && a.EntityId == name).Select(a => a.After!).SingleAsync());
        Assert.Contains("\"usesAppIdentity\":true", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeEntraId.ClientSecret, fixture.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("graph-app-token-", fixture.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bearer_the_organisation_refuses_fails_the_test_and_jira_cannot_use_the_apps_identity()
    {
        using var admin = await AdminAsync();
        var name = "ado-refused-" + Guid.NewGuid().ToString("N")[..8];
        var saved = await admin.PostAsJsonAsync("/api/v1/tickets/connections", new
        {
            name, system = "AzureDevOps", baseUrl = fixture.Remote.AzureDevOpsUrl, useAppIdentity = true, webhookSecret = WebhookSecret,
        });
        var id = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var accept = fixture.Remote.AcceptBearer;
        fixture.Remote.AcceptBearer = _ => false; // the app's service principal was removed from the organisation
        JsonElement tested;
        try
        {
            tested = await (await admin.PostAsync($"/api/v1/tickets/connections/{id}/test?project=Payments", null)).Content.ReadFromJsonAsync<JsonElement>();
        }
        finally
        {
            fixture.Remote.AcceptBearer = accept;
        }
        Assert.False(tested.GetProperty("ok").GetBoolean());
        Assert.Contains("answered 401", tested.GetProperty("message").GetString(), StringComparison.Ordinal);

        var jira = await admin.PostAsJsonAsync("/api/v1/tickets/connections", new
        {
            name = name + "-jira", system = "JiraDataCenter", baseUrl = fixture.Remote.JiraUrl, useAppIdentity = true, webhookSecret = WebhookSecret,
        });
        Assert.Equal(HttpStatusCode.BadRequest, jira.StatusCode);
        Assert.Equal("useAppIdentity", (await jira.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await fixture.App.ScalarAsync("SELECT COUNT(*) FROM TicketConnections WHERE Name = $n", ("$n", name + "-jira")));
    }
}
