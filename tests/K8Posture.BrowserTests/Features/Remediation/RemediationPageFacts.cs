using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Remediation;

[Collection(BrowserCollection.Name)]
public sealed class RemediationPageFacts(BrowserAppFixture app)
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static async Task RequestAcceptanceFromFirstAsync(IPage page, string section, string reason)
    {
        await page.Locator($"[data-testid={section}-row] a").First.ClickAsync();
        try
        {
            await page.WaitForSelectorAsync("[data-testid=finding-request-acceptance]", new PageWaitForSelectorOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-dialog-failed.png"), FullPage = true });
            throw;
        }
        await page.ClickAsync("[data-testid=finding-request-acceptance]");
        await page.Locator("[data-testid=ra-reason]").Locator("xpath=descendant-or-self::textarea").FillAsync(reason);
        await page.ClickAsync("[data-testid=ra-submit]");
        await page.WaitForSelectorAsync("[data-testid=finding-message]:has-text('requested')", new PageWaitForSelectorOptions { Timeout = 15_000 });
    }

    [Fact]
    public async Task An_app_team_member_lands_on_their_queue_and_asks_for_a_risk_acceptance_from_a_finding()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=queue-overdue]");

        var overdue = int.Parse(await page.Locator("[data-testid=queue-overdue-count]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(overdue > 0, "the demo ages some Payments findings past their SLA");
        Assert.True(await page.Locator("[data-testid=queue-due-row]").CountAsync() > 0);
        var teams = await page.Locator("[data-testid=queue-overdue-row] .mud-typography-caption").AllInnerTextsAsync();
        Assert.All(teams, t => Assert.StartsWith("Payments", t, StringComparison.Ordinal));
        Assert.Contains("Payments member", await page.Locator("[data-testid=queue-waiting]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-queue-app-team.png"), FullPage = true });

        var waitingBefore = await page.Locator("[data-testid=queue-waiting-row]").CountAsync();
        await RequestAcceptanceFromFirstAsync(page, "queue-overdue", "The vulnerable code path needs a local shell; the container has none and runs read-only.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-finding-dialog.png"), FullPage = true });
        await page.ClickAsync("[data-testid=finding-close]");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=queue-waiting-row]').length === {waitingBefore + 1}");

        // Work list: bulk "in progress" on two of the team's findings.
        await page.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Work list')");
        await page.WaitForSelectorAsync("[data-testid=work-grid] tbody tr [data-testid=work-title]");
        var boxes = page.Locator("[data-testid=work-grid] tbody tr input[type=checkbox]");
        await boxes.Nth(0).CheckAsync();
        await boxes.Nth(1).CheckAsync();
        await page.WaitForSelectorAsync("[data-testid=bulk-count]:has-text('2')");
        await page.ClickAsync("[data-testid=bulk-start]");
        await page.WaitForSelectorAsync(".mud-snackbar:has-text('2 finding(s) changed')", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-work-list.png"), FullPage = true });
    }

    [Fact]
    public async Task Four_eyes_in_the_approval_queue_an_analyst_sees_their_own_request_without_buttons_and_an_admin_approves_it()
    {
        var analyst = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(analyst, "Security.Analyst");
        await analyst.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(analyst);
        await analyst.WaitForSelectorAsync("[data-testid=queue-due-row]");
        await RequestAcceptanceFromFirstAsync(analyst, "queue-due", "Raised by the Security Team: compensating WAF rule in front of the service.");
        await analyst.ClickAsync("[data-testid=finding-close]");

        await analyst.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Risk acceptances')");
        var own = analyst.Locator("[data-testid=approval-row]:has([data-testid=own-request])");
        await own.First.WaitForAsync();
        Assert.Equal(0, await own.Locator("[data-testid=approve]").CountAsync());
        var ownText = await own.First.InnerTextAsync();
        var id = ownText.Split('\t', '\n')[0].Trim();
        await analyst.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-approval-queue-analyst.png"), FullPage = true });

        var admin = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(admin, "Security.Admin");
        await admin.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(admin);
        await admin.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Risk acceptances')");
        var row = admin.Locator($"[data-testid=approval-row]:has(td:text-is('{id}'))");
        await row.Locator("[data-testid=approve]").ClickAsync();
        await admin.WaitForSelectorAsync($".mud-snackbar:has-text('#{id}: Approved')", new PageWaitForSelectorOptions { Timeout = 15_000 });
        var statusCell = admin.Locator($"[data-testid=acceptance-table] tr:has(td:text-is('{id}')) [data-testid=acceptance-status]");
        Assert.Equal("Approved", (await statusCell.InnerTextAsync()).Trim());
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-approval-admin.png"), FullPage = true });

        // The threat changed: the admin ends it early, with a reason.
        await admin.Locator($"[data-testid=acceptance-table] tr:has(td:text-is('{id}')) [data-testid=revoke]").ClickAsync();
        await admin.Locator("[data-testid=revoke-reason]").Locator("xpath=descendant-or-self::textarea").FillAsync("The WAF rule was removed in the last change window.");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-revoke-dialog.png"), FullPage = true });
        await admin.ClickAsync("[data-testid=revoke-confirm]");
        await admin.WaitForSelectorAsync($".mud-snackbar:has-text('#{id} revoked; 1 finding(s) open again')", new PageWaitForSelectorOptions { Timeout = 15_000 });
        Assert.Equal("Revoked", (await statusCell.InnerTextAsync()).Trim());
        Assert.Contains("The WAF rule was removed", await admin.Locator($"[data-testid=acceptance-table] tr:has(td:text-is('{id}')) [data-testid=revoked-by]").InnerTextAsync(), StringComparison.Ordinal);

        await admin.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Metrics')");
        await admin.WaitForSelectorAsync("[data-testid=metrics-backlog-chart] .apexcharts-svg", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-metrics.png"), FullPage = true });
    }
}
