using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Findings;

/// <summary>The findings grid shows its key columns in the window, without a horizontal scrollbar (issue 21, rough edges).</summary>
[Collection(BrowserCollection.Name)]
public sealed class FindingsGridFitFacts(BrowserAppFixture app)
{
    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task The_grid_fits_the_window_with_owner_team_status_and_first_and_last_seen_in_view(int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        var container = page.Locator("[data-testid=findings-grid] .mud-table-container");
        var (scroll, client) = (await container.EvaluateAsync<int>("e => e.scrollWidth"), await container.EvaluateAsync<int>("e => e.clientWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"findings-grid-{width}.png") });

        Assert.True(scroll <= client, $"the grid is {scroll} px wide inside {client} px at {width} px");
        foreach (var column in new[] { "Owner team", "Status", "First seen", "Last seen" })
        {
            var header = page.Locator("[data-testid=findings-grid] thead th").Filter(new LocatorFilterOptions { HasText = column });
            var box = await header.First.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box!.X >= 0 && box.X + box.Width <= width, $"'{column}' is at {box.X}..{box.X + box.Width}, outside the {width} px window");
        }
        // The status column shows the status words, not the scanner's bare Open/Closed.
        Assert.NotEmpty(await page.Locator("[data-testid=findings-grid] [data-testid=remediation-status]").AllInnerTextsAsync());
    }
}
