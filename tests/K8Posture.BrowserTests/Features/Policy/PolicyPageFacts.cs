using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Policy;

[Collection(BrowserCollection.Name)]
public sealed class PolicyPageFacts(BrowserAppFixture app)
{
    private static async Task SaveThresholdAsync(IPage page, string severity, string comment, int expectedVersion)
    {
        await page.Locator($"[data-testid=threshold-{severity}]").ClickAsync();
        await page.Locator("[data-testid=policy-comment]").Locator("xpath=descendant-or-self::input").FillAsync(comment);
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("[data-testid=policy-save]");
        await page.WaitForSelectorAsync($"[data-testid=history-version]:text-is('{expectedVersion}')", new PageWaitForSelectorOptions { Timeout = 15_000 });
    }

    [Fact]
    public async Task An_admin_changes_the_fail_threshold_and_sees_version_2_in_the_history()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/policy");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        Assert.Equal(0, await page.Locator("[data-testid=history-version]").CountAsync());

        await SaveThresholdAsync(page, "Medium", "Fail builds on Medium while the platform is new", 1);
        await SaveThresholdAsync(page, "Critical", "Back to Critical only: too many broken builds", 2);

        Assert.Equal(["2", "1"], await page.Locator("[data-testid=history-version]").AllInnerTextsAsync());
        var diff = (await page.Locator("[data-testid=policy-diff]").InnerTextAsync()).Split('\n');
        Assert.Contains(diff, line => line.StartsWith('-') && line.Contains("\"evaluateFailThreshold\": \"Medium\"", StringComparison.Ordinal));
        Assert.Contains(diff, line => line.StartsWith('+') && line.Contains("\"evaluateFailThreshold\": \"Critical\"", StringComparison.Ordinal));
        Assert.Contains("Version 2", await page.Locator("[data-testid=policy-version]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "policy-history.png"), FullPage = true });

        // The policy survives a reload, and an analyst sees it read-only.
        var analyst = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(analyst, "Security.Analyst");
        await analyst.GotoAsync("/policy");
        await BrowserAppFixture.WaitForInteractiveAsync(analyst);
        await analyst.WaitForSelectorAsync("[data-testid=history-version]:text-is('2')");
        Assert.Equal(0, await analyst.Locator("[data-testid=policy-save]").CountAsync());
        Assert.Equal(0, await analyst.Locator("[data-testid=threshold-Critical]").CountAsync());
    }

    [Fact]
    public async Task The_rules_page_filters_the_catalogue()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/rules");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        await page.Locator("[data-testid=rules-search]").Locator("xpath=descendant-or-self::input").FillAsync("kubesec:Privileged");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=rules-table] tbody tr').length === 1");
        Assert.Contains("K8P-PSS-002", await page.Locator("[data-testid=rules-table] tbody").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "rules.png"), FullPage = true });
    }
}
