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
}

[CollectionDefinition(Name)]
public sealed class TicketsCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "tickets";
}
