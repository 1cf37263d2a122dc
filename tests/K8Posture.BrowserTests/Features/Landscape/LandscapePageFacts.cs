using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

[Collection(BrowserCollection.Name)]
public sealed class LandscapePageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task A_security_admin_signs_in_locally_and_sees_the_findings_chart()
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

    [Fact]
    public async Task A_pushed_alert_updates_the_runtime_alerts_figure_of_an_open_landscape_without_a_reload()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var figure = page.Locator("[data-testid=kpi-runtime-alerts] [data-testid=kpi-value]");
        await figure.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        var before = int.Parse(await figure.InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var expected = (before + 1).ToString("N0", CultureInfo.InvariantCulture);

        // A marker that a reload would wipe: the new figure must arrive in this very page.
        await page.EvaluateAsync("() => window.__notReloaded = true");
        var key = await app.App.CreateApiKeyAsync("ingest");
        using var client = app.App.CreateApiClient(key);
        var body = $$$"""
            {"uuid":"{{{Guid.NewGuid()}}}","output":"Netcat runs inside container (command=nc -lvp 4444)","priority":"Critical","rule":"Landscape live test {{{Guid.NewGuid():N}}}",
             "time":"{{{DateTimeOffset.UtcNow:O}}}","source":"syscall","hostname":"node-7","output_fields":{"k8s.ns.name":"live-landscape","k8s.pod.name":"api-0","proc.name":"nc","proc.cmdline":"nc -lvp 4444"}}
            """;
        var response = await client.PostAsync("/api/v1/ingest/alerts?cluster=prod-aks-weu", new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        try
        {
            await page.WaitForFunctionAsync(
                "expected => document.querySelector('[data-testid=kpi-runtime-alerts] [data-testid=kpi-value]')?.textContent.trim() === expected",
                expected, new PageWaitForFunctionOptions { Timeout = 10_000 });
            await page.WaitForTimeoutAsync(1000); // let the IOC chart redraw before the screenshot
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "landscape-live-alerts.png"), FullPage = true });
        }
        Assert.Equal(expected, (await figure.InnerTextAsync()).Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page was reloaded to show the new figure");
        await page.Context.CloseAsync();
    }
}
