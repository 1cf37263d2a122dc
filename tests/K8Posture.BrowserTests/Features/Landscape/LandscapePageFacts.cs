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

        try
        {
            await page.WaitForSelectorAsync("[data-testid=landscape-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "landscape.png"), FullPage = true });
        }
        var bars = await page.Locator("[data-testid=landscape-chart] .apexcharts-bar-area").CountAsync();
        Assert.True(bars > 0, "the chart drew no bars for the demo landscape");
        await page.WaitForTimeoutAsync(1500); // let the bars finish their entry animation before the screenshot
    }
}
