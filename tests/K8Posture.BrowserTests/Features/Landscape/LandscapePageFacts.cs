using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

[Collection(BrowserCollection.Name)]
public sealed class LandscapePageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task ASecurityAdminSignsInLocallyAndSeesTheFindingsChart()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");

        await page.WaitForSelectorAsync("[data-testid=findings-by-category] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var bars = await page.Locator("[data-testid=findings-by-category] .apexcharts-bar-area").CountAsync();
        Assert.True(bars > 0, "the chart drew no bars for the demo landscape");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "landscape.png"), FullPage = true });
    }
}
