using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Scorecard;

[Collection(BrowserCollection.Name)]
public sealed class ScorecardPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task Leadership_sees_every_question_with_a_status_and_a_link_that_opens_its_evidence()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Leadership.Viewer");
        await page.GotoAsync("/scorecard");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=scorecard-totals]");

        var items = page.Locator("[data-testid^=scorecard-][data-status]");
        Assert.True(await items.CountAsync() >= 20);
        var statuses = await items.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.status)");
        Assert.All(statuses, s => Assert.Contains(s, new[] { "Covered", "Gap", "Unknown" }));
        var totals = await page.Locator("[data-testid=scorecard-totals]").InnerTextAsync();
        Assert.Contains($"Gap: {statuses.Count(s => s == "Gap")}", totals, StringComparison.Ordinal);
        // The demo's image scans hold vulnerabilities: that area is answered, not unknown.
        Assert.NotEqual("Unknown", await page.Locator("[data-testid=scorecard-area-vulnerability]").GetAttributeAsync("data-status"));
        // The demo judges the kubernetes-goat manifests as one cluster's: its cluster-admin binding is a gap.
        Assert.Equal("Gap", await page.Locator("[data-testid=scorecard-role-permissions]").GetAttributeAsync("data-status"));
        // Runtime sensors report in the demo, and its cloud lists found clusters nobody registered.
        Assert.Equal("Covered", await page.Locator("[data-testid=scorecard-ioc-sensors]").GetAttributeAsync("data-status"));
        Assert.Equal("Gap", await page.Locator("[data-testid=scorecard-inventory-cloud]").GetAttributeAsync("data-status"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "scorecard.png"), FullPage = true });

        await page.Locator("[data-testid=scorecard-area-vulnerability] a").ClickAsync();
        await page.WaitForURLAsync("**/findings?category=Vulnerability");
    }
}
