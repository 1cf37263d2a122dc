using System.Globalization;
using System.Text.RegularExpressions;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Findings;

/// <summary>One status word for a finding in the list, its drawer and the remediation work list; the drawer names the assignee.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FindingStatusFacts(BrowserAppFixture app)
{
    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task A_finding_in_progress_reads_In_progress_in_the_list_the_drawer_and_the_work_list(int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        // The demo puts some of each team's worst findings in progress, with an assignee.
        var row = page.Locator("[data-testid=findings-grid] tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid=remediation-status]").Filter(new LocatorFilterOptions { HasText = "In progress" }) }).First;
        var title = (await row.Locator("[data-testid=finding-title]").InnerTextAsync()).Trim();
        var assignee = (await row.Locator("[data-testid=finding-assignee]").InnerTextAsync()).Trim();
        await row.Locator("[data-testid=finding-title]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=finding-evidence]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.WaitForTimeoutAsync(500); // the drawer slides in
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"finding-drawer-status-{width}.png") });

        var drawer = page.Locator("[data-testid=finding-drawer]");
        Assert.Equal("In progress", (await drawer.Locator("[data-testid=remediation-status]").First.InnerTextAsync()).Trim());
        var assigneeRow = drawer.Locator("[data-testid=finding-evidence] tr").Filter(new LocatorFilterOptions { HasText = "Assignee" });
        Assert.Contains(assignee, await assigneeRow.InnerTextAsync(), StringComparison.Ordinal);
        var history = (await drawer.Locator("[data-testid=finding-history] tbody tr td:first-child").AllInnerTextsAsync())
            .Select(t => DateTime.ParseExact(t.Trim(), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).ToList();
        Assert.True(history.Count >= 2, "an in-progress demo finding has its creation and the assignment in its history");
        Assert.Equal(history.OrderByDescending(at => at), history);

        await page.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=remediation-tabs] .mud-tab:has-text('Work list')");
        await page.Locator("input[placeholder='Title, CVE, rule, image, assignee']").FillAsync(assignee);
        var workRow = page.Locator("[data-testid=work-grid] tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid=work-title]").Filter(new LocatorFilterOptions { HasTextRegex = new Regex("^\\s*" + Regex.Escape(title) + "\\s*$") }) }).First;
        await workRow.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"remediation-work-list-status-{width}.png") });
        Assert.Contains("In progress", await workRow.Locator("[data-testid=remediation-status]").AllInnerTextsAsync());
    }
}
