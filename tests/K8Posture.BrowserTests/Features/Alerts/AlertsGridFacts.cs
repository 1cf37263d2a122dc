using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Alerts;

/// <summary>The alerts grid: whole column headers in the window, and one priority (ours) with the sensor's own word in the details.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsGridFacts(BrowserAppFixture app)
{
    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task Headers_are_whole_and_only_our_priority_shows_in_the_row(int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/alerts");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=alert-rule]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        var container = page.Locator("[data-testid=alerts-grid] .mud-table-container");
        Assert.True(await container.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the alerts grid scrolls sideways");
        var headers = page.Locator("[data-testid=alerts-grid] thead th");
        for (var i = 0; i < await headers.CountAsync(); i++)
        {
            var header = headers.Nth(i);
            var text = (await header.InnerTextAsync()).Trim();
            var box = await header.BoundingBoxAsync();
            Assert.True(box!.X + box.Width <= width, $"header '{text}' ends at {box.X + box.Width}, outside the {width} px window");
            Assert.True(await header.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth + 1"), $"header '{text}' is cut");
        }
        Assert.Contains("Owner team", await headers.AllInnerTextsAsync());

        // The demo's StackRox alerts carry "…_SEVERITY" priorities: not in the row, only in the details.
        var gridRows = page.Locator("[data-testid=alerts-grid] tbody");
        Assert.DoesNotContain("_SEVERITY", await gridRows.InnerTextAsync(), StringComparison.Ordinal);
        var stackrox = page.Locator("[data-testid=alerts-grid] tbody tr").Filter(new LocatorFilterOptions { HasText = "stackrox" }).First;
        await stackrox.Locator("button").First.ClickAsync();
        var priority = page.Locator("[data-testid=alert-sensor-priority]").First;
        await priority.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Contains("_SEVERITY", await priority.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"alerts-grid-{width}.png") });
    }
}
