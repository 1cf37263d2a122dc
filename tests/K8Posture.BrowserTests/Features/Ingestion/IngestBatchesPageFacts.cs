using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Ingestion;

[Collection(BrowserCollection.Name)]
public sealed class IngestBatchesPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task An_auditor_lists_the_pushes_opens_one_and_may_download_its_payload()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Auditor");
        await page.GotoAsync("/ingestion");

        await page.WaitForSelectorAsync("[data-testid=batch-link]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var scopes = await page.Locator("[data-testid=batch-scope]").AllInnerTextsAsync();
        // The newest pushes of the demo: inventory, alerts (no scope), tenancy checks and at least one cluster scope.
        Assert.Equal(25, scopes.Count);
        Assert.Contains(scopes, s => s.StartsWith("cluster:", StringComparison.Ordinal));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "ingestion.png"), FullPage = true });

        await page.Locator("[data-testid=batch-link]").Last.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=batch-detail]");
        Assert.StartsWith("demo:seed", await page.InnerTextAsync("[data-testid=batch-actor]"), StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=batch-download]"));
        Assert.StartsWith("k8posture-batch-", download.SuggestedFilename, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "ingestion-batch.png"), FullPage = true });
    }
}
