using Bunit;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.Features.Tickets;
using K8Posture.Security;
using MudBlazor;

namespace K8Posture.ComponentTests.Features.Tickets;

/// <summary>The team queue shows each finding's ticket (key linking to the remote, live status) and the team's sync health.</summary>
public sealed class TeamQueueTicketFacts
{
    private static readonly DateTimeOffset Synced = new(2026, 12, 3, 9, 41, 0, TimeSpan.Zero);

    private static async Task<(int TeamId, int OtherTeamId, long Ticketed, long Plain)> SeedAsync(TestPortal portal)
    {
        await using var db = portal.CreateSystemContext();
        var team = new Team { Name = "Payments" };
        var other = new Team { Name = "Search" };
        db.Teams.AddRange(team, other);
        await db.SaveChangesAsync();
        Finding Finding(string title) => new()
        {
            Fingerprint = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), ContentHash = new string('c', 64), Source = "trivy", ScopeKey = "image:pay",
            Category = FindingCategory.Vulnerability, Severity = FindingSeverity.High, Title = title, Status = FindingStatus.Open, OwnerTeamId = team.Id,
            FirstSeenAt = Synced.AddDays(-3), LastSeenAt = Synced, SlaDueAt = Synced.AddDays(-1),
        };
        var ticketed = Finding("CVE-2023-3446 in libssl3");
        var plain = Finding("CVE-2023-1255 in libssl3");
        db.Findings.AddRange(ticketed, plain);
        var connection = new TicketConnection { Name = "jira-prod", System = TicketSystem.JiraCloud, BaseUrl = "https://example.atlassian.net", SecretProtected = "x" };
        db.TicketConnections.Add(connection);
        await db.SaveChangesAsync();
        var mapping = new TicketMapping { TeamId = team.Id, ConnectionId = connection.Id, Project = "PAY", IssueType = "Task", ResolvedStatuses = "Done", DoneStatus = "Done" };
        db.TicketMappings.Add(mapping);
        await db.SaveChangesAsync();
        var ticket = new RemoteTicket
        {
            MappingId = mapping.Id, GroupKey = "image:pay|openssl", Title = "Upgrade pay → fixes 1 CVE", RemoteId = "10001", RemoteKey = "PAY-7",
            RemoteUrl = "https://example.atlassian.net/browse/PAY-7", RemoteStatus = "In Progress", State = TicketState.InProgress, LastSyncedAt = Synced,
            Findings = [new RemoteTicketFinding { FindingId = ticketed.Id, AddedAt = Synced }],
        };
        db.RemoteTickets.Add(ticket);
        await db.SaveChangesAsync();
        db.TicketOutbox.AddRange(
            new TicketOutboxEntry { TicketId = ticket.Id, Action = TicketActionKind.UpdateBody, IdempotencyKey = "body:1:2", Status = TicketActionStatus.Pending },
            new TicketOutboxEntry { TicketId = ticket.Id, Action = TicketActionKind.Transition, IdempotencyKey = "close:1:1", Status = TicketActionStatus.Failed,
                LastError = "The workflow of PAY-7 offers no transition to 'Done'" },
            new TicketOutboxEntry { TicketId = ticket.Id, Action = TicketActionKind.Create, IdempotencyKey = "create:1", Status = TicketActionStatus.Done });
        await db.SaveChangesAsync();
        return (team.Id, other.Id, ticketed.Id, plain.Id);
    }

    private static WorkItem Row(long id, string title) => new(id, FindingSeverity.High, title, "CVE", null, "Payments", "image:pay", Synced.AddDays(-3), Synced.AddDays(-1),
        RemediationStatus.Open, null);

    [Fact]
    public async Task A_queue_row_shows_its_ticket_key_linked_to_the_remote_with_the_live_status_and_a_failure_marker()
    {
        await using var portal = new TestPortal();
        var (teamId, _, ticketed, plain) = await SeedAsync(portal);
        portal.SignIn("pat", Roles.AppTeamMember, teamId);
        portal.Context.Render<MudPopoverProvider>();

        var cut = portal.Context.Render<QueueSection>(p => p
            .Add(x => x.Title, "Overdue").Add(x => x.Total, 2).Add(x => x.TestId, "queue-overdue")
            .Add(x => x.Load, (int _, int _, CancellationToken _) => Task.FromResult<(IReadOnlyList<WorkItem>, int)>(([Row(ticketed, "CVE-2023-3446 in libssl3"), Row(plain, "CVE-2023-1255 in libssl3")], 2))));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=queue-overdue-row]").Count));
        var link = cut.Find("[data-testid=queue-ticket-link]");
        Assert.Equal("PAY-7", link.TextContent.Trim());
        Assert.Equal("https://example.atlassian.net/browse/PAY-7", link.GetAttribute("href"));
        Assert.Equal("In Progress", cut.Find("[data-testid=queue-ticket-status]").TextContent.Trim());
        Assert.Single(cut.FindAll("[data-testid=queue-ticket]")); // the other finding has no ticket
        Assert.Single(cut.FindAll("[data-testid=queue-ticket-problem]")); // one failed outbox action
    }

    [Fact]
    public async Task The_team_sees_its_sync_health_and_another_team_sees_none_of_it()
    {
        await using var portal = new TestPortal();
        var (teamId, otherTeamId, _, _) = await SeedAsync(portal);
        portal.SignIn("pat", Roles.AppTeamMember, teamId);

        var cut = portal.Context.Render<TeamTicketSyncHealthPanel>(p => p.Add(x => x.TeamId, teamId));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=team-ticket-health]")));
        Assert.Equal("2026-12-03 09:41 UTC", cut.Find("[data-testid=team-ticket-last-sync]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=team-ticket-pending]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=team-ticket-failed]").TextContent.Trim());
        Assert.Equal("Last failure: The workflow of PAY-7 offers no transition to 'Done'", cut.Find("[data-testid=team-ticket-last-failure]").TextContent.Trim());
        Assert.Contains("Jira Cloud project PAY (jira-prod) · 1 ticket(s)", cut.Find("[data-testid=team-ticket-health]").TextContent.Replace("\n", " "), StringComparison.Ordinal);

        portal.SignIn("sam", Roles.AppTeamMember, otherTeamId);
        var outsider = portal.Context.Render<TeamTicketSyncHealthPanel>(p => p.Add(x => x.TeamId, teamId));
        Assert.Empty(outsider.FindAll("[data-testid=team-ticket-health]"));
    }
}
