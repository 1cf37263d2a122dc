using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Tickets;
using K8Posture.IntegrationTests.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Features.Tickets;

/// <summary>A team wired to a ticket connection and project of the fake, with its own findings.</summary>
public sealed record TicketTeam(int TeamId, string Team, int ConnectionId, string Connection, string Project, string WebhookSecret);

/// <summary>The app (collecting its logs) and the fake ticket systems, shared by a test class; each test makes its own team and project.</summary>
public sealed class TicketAppFixture : IAsyncLifetime
{
    public const string WebhookSecret = "whsec-5d1c0b7a9e2f4c68";

    public CollectedLogs Logs { get; } = new();
    public FakeTicketSystems Remote { get; } = new();
    public K8PostureAppFactory App { get; private set; } = default!;
    public HttpClient Admin { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Remote.StartAsync();
        App = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.UseSetting("Tickets:RetryBaseSeconds", "0");
            builder.UseSetting("Tickets:MaxAttempts", "50");
            builder.UseSetting("Remediation:PublicBaseUrl", "https://k8posture.example.com");
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        });
        Admin = await App.SignedInClientAsync("Security.Admin");
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
        await Remote.DisposeAsync();
    }

    public static string ProjectKey() => "P" + new string(Enumerable.Range(0, 6).Select(_ => (char)('A' + Random.Shared.Next(26))).ToArray());

    public async Task<TicketTeam> TeamAsync(TicketSystem system = TicketSystem.JiraCloud, string doneStatus = "Closed", TicketGrouping grouping = TicketGrouping.ImageOrWorkloadFix)
    {
        var team = RemediationTestSupport.Unique("tickets");
        var teamId = await App.SeedTeamAsync(team);
        var connection = RemediationTestSupport.Unique("conn");
        var azure = system == TicketSystem.AzureDevOps;
        var saved = await Admin.PostAsJsonAsync("/api/v1/tickets/connections", new
        {
            name = connection, system = system.ToString(), baseUrl = azure ? Remote.AzureDevOpsUrl : Remote.JiraUrl,
            userEmail = system == TicketSystem.JiraCloud ? FakeTicketSystems.JiraEmail : null, token = FakeTicketSystems.Token, webhookSecret = WebhookSecret,
        });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var connectionId = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var project = ProjectKey();
        var mapping = await Admin.PutAsJsonAsync("/api/v1/tickets/mappings", new
        {
            team, connection, project, issueType = azure ? "Bug" : "Task", labels = "security,k8posture", grouping = grouping.ToString(),
            priorities = new Dictionary<string, string> { ["Critical"] = azure ? "1" : "Highest", ["High"] = azure ? "2" : "High" },
            inProgressStatuses = new[] { azure ? "Active" : "In Progress" },
            resolvedStatuses = azure ? new[] { "Resolved", "Closed" } : new[] { "Closed", "Done" },
            wontFixStatuses = new[] { "Won't Do" },
            doneStatus = azure ? "Closed" : doneStatus, reopenStatus = azure ? "Active" : "In Progress",
        });
        Assert.Equal(HttpStatusCode.Created, mapping.StatusCode);
        return new TicketTeam(teamId, team, connectionId, connection, project, WebhookSecret);
    }

    public Task<TicketOutboxRunResult> RunOutboxAsync() => App.AsJobAsync(s => s.GetRequiredService<TicketOutboxJob>().RunAsync(CancellationToken.None));

    public Task<TicketReconcileResult> ReconcileAsync() => App.AsJobAsync(s => s.GetRequiredService<TicketReconciliationJob>().RunAsync(CancellationToken.None));

    /// <summary>Runs the outbox until nothing is due (or the time is up): what Hangfire's minutely schedule does, faster.</summary>
    public async Task DrainAsync(TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < until)
        {
            await RunOutboxAsync();
            if (await App.ScalarAsync("SELECT COUNT(*) FROM TicketOutbox WHERE Status = 0") == 0)
            {
                return;
            }
            await Task.Delay(100);
        }
    }

    public Task<List<RemoteTicket>> TicketsAsync(TicketTeam team) => App.WithDbAsync(db =>
        db.RemoteTickets.Include(t => t.Findings).Where(t => t.Mapping!.TeamId == team.TeamId).OrderBy(t => t.Id).ToListAsync());

    public Task<List<TicketOutboxEntry>> OutboxAsync(TicketTeam team) => App.WithDbAsync(db =>
        db.TicketOutbox.Where(o => db.RemoteTickets.Any(t => t.Id == o.TicketId && t.Mapping!.TeamId == team.TeamId)).OrderBy(o => o.Id).ToListAsync());

    public Task<List<FindingEvent>> HistoryAsync(long findingId) => App.WithDbAsync(db => db.FindingEvents.Where(e => e.FindingId == findingId).OrderBy(e => e.Id).ToListAsync());

    public async Task<HttpClient> TeamMemberAsync(TicketTeam team) => await App.SignedInClientAsync("AppTeam.Member", team.TeamId);

    public async Task<CreateTicketsResult> CreateTicketsAsync(HttpClient client, params long[] findingIds)
    {
        var response = await client.PostAsJsonAsync("/api/v1/tickets", new { findingIds });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreateTicketsResult>())!;
    }
}
