using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Findings;

[Collection(BrowserCollection.Name)]
public sealed class FindingsPageFacts(BrowserAppFixture app)
{
    private static async Task<IReadOnlyList<string>> OwnerTeamsOnPageAsync(IPage page)
    {
        await page.WaitForSelectorAsync("[data-testid=finding-team]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        return await page.Locator("[data-testid=finding-team]").AllInnerTextsAsync();
    }

    [Fact]
    public async Task An_app_team_member_sees_only_its_teams_findings()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/findings?status=All");

        var teams = await OwnerTeamsOnPageAsync(page);
        Assert.NotEmpty(teams);
        Assert.All(teams, team => Assert.Equal("Payments", team));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "findings-app-team.png"), FullPage = true });
    }

    [Fact]
    public async Task An_analyst_sees_every_teams_findings()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/findings?status=All");

        var teams = await OwnerTeamsOnPageAsync(page);
        Assert.True(teams.Distinct().Count() > 1, $"an analyst should see several teams, saw: {string.Join(", ", teams.Distinct())}");
    }

    [Fact]
    public async Task Clicking_a_chart_bar_opens_the_findings_of_that_category_and_severity()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        const string nonEmptyBar = "[data-testid=landscape-chart] .apexcharts-bar-area:not([val='0'])";
        await page.WaitForSelectorAsync(nonEmptyBar, new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1500); // the entry animation moves the bars
        await page.Locator(nonEmptyBar).First.ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => url.Contains("/findings?", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            // On a loaded CI machine the first click can land while the chart is still attaching its handlers (seen once
            // in a fresh-clone run); a second click must navigate.
            await page.Locator(nonEmptyBar).First.ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/findings?", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 30_000 });
        }
        Assert.Contains("category=", page.Url, StringComparison.Ordinal);
        Assert.Contains("severity=", page.Url, StringComparison.Ordinal);
        Assert.NotEmpty(await OwnerTeamsOnPageAsync(page));
    }

    [Fact]
    public async Task An_app_team_member_works_a_finding_from_the_explorers_drawer()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Storefront");
        await BrowserAppFixture.OpenFirstFindingAsync(page, "q=CVE");

        await page.ClickAsync("[data-testid=finding-remediate]");
        await page.WaitForSelectorAsync("[data-testid=finding-dialog]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        var comments = await page.Locator("[data-testid=finding-comment-row]").CountAsync();
        await page.Locator("[data-testid=finding-comment]").Locator("xpath=descendant-or-self::textarea").FillAsync("Base image bump is in PR #412.");
        await page.ClickAsync("[data-testid=finding-add-comment]");
        await page.WaitForSelectorAsync("[data-testid=finding-message]:has-text('Saved.')", new PageWaitForSelectorOptions { Timeout = 15_000 });

        await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=finding-comment-row]').length === {comments + 1}");
        var rows = await page.Locator("[data-testid=finding-comment-row]").AllInnerTextsAsync();
        Assert.Contains(rows, row => row.Contains("Base image bump is in PR #412.", StringComparison.Ordinal));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "findings-remediation-dialog.png"), FullPage = true });
    }
}
