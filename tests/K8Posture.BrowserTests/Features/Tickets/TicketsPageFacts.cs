using System.Net.Http.Json;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Data;
using K8Posture.Features.Tickets;
using K8Posture.IntegrationTests.Features.Tickets;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Tickets;

/// <summary>
/// A Security admin maps a demo team to a project of the fake Jira on the mapping page, then creates tickets from the findings
/// explorer's filter; the outbox makes them and the finding drawer links its ticket. It has a demo app of its own: it adds
/// tickets, history events and audit rows the figure-comparing tests must not see.
/// </summary>
[Collection(TicketsCollection.Name)]
public sealed class TicketsPageFacts(BrowserAppFixture app)
{
    private const string Team = "Ledger";

    [Fact]
    public async Task An_admin_maps_a_team_and_creates_its_tickets_from_the_explorer()
    {
        await using var jira = await new FakeTicketSystems().StartAsync();
        using (var admin = await app.App.SignedInClientAsync("Security.Admin"))
        {
            var saved = await admin.PostAsJsonAsync("/api/v1/tickets/connections", new
            {
                name = "Jira Cloud", system = "JiraCloud", baseUrl = jira.JiraUrl, userEmail = FakeTicketSystems.JiraEmail,
                token = FakeTicketSystems.Token, webhookSecret = "browser-webhook-secret-0001",
            });
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        var page = await app.NewPageAsync(1440, 900);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/admin/tickets/mappings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=mapping-team]");
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{Team}')");
        await page.ClickAsync("[data-testid=mapping-connection]");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Jira Cloud')");
        await page.Locator("[data-testid=mapping-project]").Locator("xpath=descendant-or-self::input").FillAsync("LEDGER");
        await page.Locator("[data-testid=mapping-resolved]").Locator("xpath=descendant-or-self::input").FillAsync("Closed, Done");
        await page.Locator("[data-testid=mapping-done]").Locator("xpath=descendant-or-self::input").FillAsync("Closed");
        await page.ClickAsync("[data-testid=mapping-save]");
        await page.Locator("[data-testid=mapping-row-team]", new PageLocatorOptions { HasText = Team }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "tickets-mapping.png") });

        await page.GotoAsync($"/findings?team={Team}");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.ClickAsync("[data-testid=findings-create-tickets]");
        var snackbar = page.Locator(".mud-snackbar", new PageLocatorOptions { HasText = "ticket(s)" });
        await snackbar.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Contains("new", await snackbar.InnerTextAsync());

        var result = await app.App.AsJobAsync(s => s.GetRequiredService<TicketOutboxJob>().RunAsync(CancellationToken.None));
        Assert.True(result.Done > 0);
        Assert.Equal(result.Done, jira.Issues.Count);

        await page.Locator("[data-testid=finding-title]").First.ClickAsync();
        var ticket = page.Locator("[data-testid=finding-ticket]");
        await ticket.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var key = await page.Locator("[data-testid=finding-ticket-link]").InnerTextAsync();
        Assert.StartsWith("LEDGER-", key, StringComparison.Ordinal);
        Assert.Contains(key, jira.Issues.Keys);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "tickets.png") });

        var linked = await app.App.WithDbAsync(db => db.RemoteTicketFindings.CountAsync());
        Assert.True(linked >= result.Done);
    }

    [Fact]
    public async Task A_team_member_ticks_findings_in_the_explorer_creates_their_tickets_and_sees_them_in_the_team_queue()
    {
        const string team = "Payments";
        await using var jira = await new FakeTicketSystems().StartAsync();
        using (var admin = await app.App.SignedInClientAsync("Security.Admin"))
        {
            var saved = await admin.PostAsJsonAsync("/api/v1/tickets/connections", new
            {
                name = "Jira for selections", system = "JiraCloud", baseUrl = jira.JiraUrl, userEmail = FakeTicketSystems.JiraEmail,
                token = FakeTicketSystems.Token, webhookSecret = "browser-webhook-secret-0002",
            });
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
            var mapped = await admin.PutAsJsonAsync("/api/v1/tickets/mappings", new
            {
                team, connection = "Jira for selections", project = "PAY", issueType = "Task", grouping = "Finding",
                resolvedStatuses = new[] { "Closed" }, doneStatus = "Closed",
            });
            Assert.True(mapped.IsSuccessStatusCode, await mapped.Content.ReadAsStringAsync());
        }

        var page = await app.NewPageAsync(1440, 900);
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", team);
        await page.GotoAsync($"/findings?team={team}&status=Open&verdict=None");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var rows = page.Locator("[data-testid=findings-grid] tbody tr");
        var picked = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            await rows.Nth(i).Locator("input[type=checkbox]").CheckAsync();
            picked.Add((await rows.Nth(i).Locator("[data-testid=finding-title]").InnerTextAsync()).Trim());
        }
        var button = page.Locator("[data-testid=findings-create-tickets]");
        await Assertions.Expect(button).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Create tickets \\(2 selected\\)", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.Equal(0, await page.Locator(".mud-drawer-open").CountAsync()); // ticking a row does not open its drawer
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "tickets-selection.png") });
        await button.ClickAsync();
        var snackbar = page.Locator(".mud-snackbar", new PageLocatorOptions { HasText = "ticket(s)" });
        await snackbar.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.StartsWith("2 finding(s) in 2 ticket(s), 2 new", await snackbar.InnerTextAsync(), StringComparison.Ordinal);

        var sent = await app.App.AsJobAsync(s => s.GetRequiredService<TicketOutboxJob>().RunAsync(CancellationToken.None));
        Assert.Equal(2, sent.Done);
        var linked = await app.App.WithDbAsync(db => db.RemoteTickets.Where(t => t.Mapping!.Project == "PAY")
            .SelectMany(t => t.Findings).Select(l => l.FindingId).ToListAsync());
        Assert.Equal(2, linked.Count);
        var titles = await app.App.WithDbAsync(db => db.Findings.Where(f => linked.Contains(f.Id)).Select(f => f.Title).ToListAsync());
        Assert.Equal(picked.Order(), titles.Select(t => t.Trim()).Order());
        var issue = jira.Issues.Values.First();
        issue.Status = "In Progress";
        await app.App.AsJobAsync(s => s.GetRequiredService<TicketReconciliationJob>().RunAsync(CancellationToken.None));

        // The team's work list shows each finding's ticket and its live status; the queue tab shows the team's sync health.
        await page.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=team-ticket-health]").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal("0", (await page.Locator("[data-testid=team-ticket-failed]").InnerTextAsync()).Trim());
        await page.Locator("[data-testid=queue-overdue-row]").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "tickets-team-health.png") });
        await page.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Work list')");
        var ticketedTitle = await app.App.WithDbAsync(db => db.RemoteTicketFindings.Where(l => l.Ticket!.RemoteKey == issue.Key).Select(l => l.FindingId)
            .Join(db.Findings, id => id, f => f.Id, (_, f) => f.Title).SingleAsync());
        await page.Locator("[data-testid=work-search]").Locator("xpath=descendant-or-self::input").FillAsync(ticketedTitle);
        // The search is debounced: wait for the filtered list, not a link further down the unfiltered one.
        await Assertions.Expect(page.Locator("[data-testid=work-grid] tbody tr [data-testid=work-title]").First).ToHaveTextAsync(ticketedTitle);
        var ticketLink = page.Locator("[data-testid=queue-ticket-link]", new PageLocatorOptions { HasText = issue.Key });
        await ticketLink.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal($"{jira.JiraUrl}/browse/{issue.Key}", await ticketLink.GetAttributeAsync("href"));
        var cell = page.Locator("[data-testid=queue-ticket]", new PageLocatorOptions { Has = ticketLink });
        Assert.Equal("In Progress", (await cell.Locator("[data-testid=queue-ticket-status]").InnerTextAsync()).Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "tickets-team-queue.png") });
    }
}

[CollectionDefinition(Name)]
public sealed class TicketsCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "tickets";
}
