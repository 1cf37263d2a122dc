using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Scratch;

[Collection(BrowserCollection.Name)]
public sealed class ScratchFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task Baseline()
    {
        var dir = "/tmp/edges-shots";
        Directory.CreateDirectory(dir);
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        async Task Shot(string path, string name, string? waitFor = null)
        {
            await page.GotoAsync(path);
            await BrowserAppFixture.WaitForInteractiveAsync(page);
            if (waitFor is not null) await page.WaitForSelectorAsync(waitFor, new() { Timeout = 30_000 });
            await page.WaitForTimeoutAsync(2500);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        }
        await Shot("/", "landscape", "[data-testid=landscape-chart] .apexcharts-svg");
        await Shot("/findings", "findings", "[data-testid=finding-title]");
        var widths = await page.EvaluateAsync<string>("() => { const g = document.querySelector('[data-testid=findings-grid] .mud-table-container'); return g.scrollWidth + ' / ' + g.clientWidth; }");
        File.WriteAllText(Path.Combine(dir, "findings-widths.txt"), widths);
        await page.Locator("[data-testid=finding-title]").First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=finding-evidence]");
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "drawer.png"), FullPage = true });
        await Shot("/remediation", "remediation", "[data-testid=queue-overdue]");
        await Shot("/alerts", "alerts", "[data-testid=alerts-grid]");
        await Shot("/clusters/prod-aks-weu", "cluster", null);
        await Shot("/governance/tenancy", "tenancy", null);
        await Shot("/governance/tenancy/new", "tenancy-new", null);
        var lead = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(lead, "Leadership.Viewer");
        await lead.GotoAsync("/governance/tenancy/new");
        await BrowserAppFixture.WaitForInteractiveAsync(lead);
        await lead.WaitForTimeoutAsync(2000);
        await lead.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "tenancy-new-leadership.png"), FullPage = true });
    }
}
