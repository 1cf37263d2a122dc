using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Alerts;

[Collection(BrowserCollection.Name)]
public sealed class AlertsPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task The_alerts_page_shows_the_demo_alerts_with_their_ioc_classes_and_timeline()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/alerts");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        try
        {
            await page.WaitForSelectorAsync("[data-testid=alert-rule]", new PageWaitForSelectorOptions { Timeout = 30_000 });
            await page.WaitForSelectorAsync("[data-testid=alerts-timeline] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
            await page.WaitForTimeoutAsync(1000);
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "alerts.png"), FullPage = true });
        }
        var rules = await page.Locator("[data-testid=alert-rule]").AllInnerTextsAsync();
        Assert.Contains("Write below binary dir", rules);
        Assert.Contains("Terminal shell in container", rules);
        Assert.Contains("Cloud Instance Metadata Credential Access", rules);
        var classes = await page.Locator("[data-testid=alert-ioc]").AllInnerTextsAsync();
        Assert.Contains("Write below /etc or /bin", classes);
        Assert.Contains("Cloud metadata API", classes);
        Assert.True(await page.Locator("[data-testid=alerts-timeline] .apexcharts-bar-area").CountAsync() > 0, "the timeline drew no bars");
        Assert.True(await page.Locator("[data-testid=triage-menu]").CountAsync() > 0, "an analyst gets triage actions");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_app_team_member_reads_only_their_teams_alerts_without_triage()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/alerts");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=alert-team]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        var teams = await page.Locator("[data-testid=alert-team]").AllInnerTextsAsync();
        Assert.NotEmpty(teams);
        Assert.All(teams, t => Assert.Equal("Payments", t));
        Assert.Equal(0, await page.Locator("[data-testid=triage-menu]").CountAsync());
        Assert.Equal(1, await page.Locator("[data-testid=read-only-note]").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_pushed_alert_shows_in_an_open_page_without_a_reload()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/alerts");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=alert-rule]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var rule = "Live test rule " + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, await page.Locator("[data-testid=alert-rule]", new PageLocatorOptions { HasTextString = rule }).CountAsync());

        // A marker that a reload would wipe: the alert must arrive in this very page.
        await page.EvaluateAsync("() => window.__notReloaded = true");
        var key = await app.App.CreateApiKeyAsync("ingest");
        using var client = app.App.CreateApiClient(key);
        var body = $$$"""
            {"uuid":"{{{Guid.NewGuid()}}}","output":"Netcat runs inside container (command=nc -lvp 4444)","priority":"Critical","rule":"{{{rule}}}","time":"{{{DateTimeOffset.UtcNow:O}}}",
             "source":"syscall","hostname":"node-7","tags":["network"],"output_fields":{"k8s.ns.name":"payments","k8s.pod.name":"payments-api-0","proc.name":"nc","proc.cmdline":"nc -lvp 4444"}}
            """;
        var response = await client.PostAsync("/api/v1/ingest/alerts?cluster=prod-aks-weu", new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        try
        {
            await page.Locator("[data-testid=alert-rule]", new PageLocatorOptions { HasTextString = rule }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "alerts-live.png"), FullPage = true });
        }
        // Live, without a reload; how fast is a speed goal, which lives in the benchmarks, not in a timed test.
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page was reloaded to show the alert");
        Assert.Equal("/alerts", new Uri(page.Url).AbsolutePath);
        await page.Context.CloseAsync();
    }
}
