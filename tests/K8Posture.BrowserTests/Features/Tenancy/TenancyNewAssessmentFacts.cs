using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Tenancy;

/// <summary>"New assessment" only for those who may write one; a clear message for the others; whole step labels in the wizard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TenancyNewAssessmentFacts(BrowserAppFixture app)
{
    [Theory]
    [InlineData("Leadership.Viewer", 1440, 900)]
    [InlineData("Auditor", 1920, 1080)]
    public async Task A_reader_gets_no_button_and_the_new_page_says_why(string role, int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, role);
        await page.GotoAsync("/governance/tenancy");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("text=Tenancy-risk assessments");
        Assert.Equal(0, await page.Locator("[data-testid=tenancy-new]").CountAsync());

        await page.GotoAsync("/governance/tenancy/new");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var message = page.Locator("[data-testid=tenancy-new-not-allowed]");
        await message.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"tenancy-new-{role}-{width}.png") });
        Assert.Contains("does not write assessments", await message.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[data-testid=tenancy-wizard]").CountAsync());
    }

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task The_wizard_shows_all_seven_step_labels_whole(int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/governance/tenancy");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=tenancy-new]");
        await page.WaitForSelectorAsync("[data-testid=tenancy-wizard]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"tenancy-wizard-{width}.png") });

        var titles = page.Locator("[data-testid=tenancy-wizard] .mud-step-label-content-title");
        Assert.Equal(7, await titles.CountAsync());
        Assert.Equal("Recommendation", (await titles.Nth(6).InnerTextAsync()).Trim());
        for (var i = 0; i < 7; i++)
        {
            var title = titles.Nth(i);
            var box = await title.BoundingBoxAsync();
            Assert.True(box!.X >= 0 && box.X + box.Width <= width, $"step {i + 1} '{await title.InnerTextAsync()}' is outside the window");
            Assert.True(await title.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth + 1"), $"step {i + 1} '{await title.InnerTextAsync()}' is cut");
            Assert.True(await title.EvaluateAsync<bool>("e => { const nav = e.closest('.mud-stepper-nav'); return nav.scrollWidth <= nav.clientWidth + 1; }"), "the steps scroll sideways");
        }
    }
}
