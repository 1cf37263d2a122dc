using System.Text.RegularExpressions;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>
/// A fresh install (Demo:Seed=false): the landscape is a setup checklist whose steps tick from real data, until the
/// first push brings the charts.
/// </summary>
[Collection(EmptyBrowserCollection.Name)]
public sealed partial class FirstRunFacts(EmptyBrowserAppFixture app) : IClassFixture<EmptyBrowserAppFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static Task<string> ProgressAsync(IPage page) => page.Locator("[data-testid=setup-progress]").InnerTextAsync();

    private static Task<string?> DoneAsync(IPage page, string step) => page.Locator($"li[data-testid=setup-step-{step}]").GetAttributeAsync("data-done");

    [Fact]
    public async Task A_security_admin_is_guided_from_an_empty_database_to_the_first_charts()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Permissions = ["clipboard-write"],
        });
        // The app's Permissions-Policy forbids reading the clipboard (it never needs to); what the copy button writes is
        // recorded on its way to the real clipboard instead.
        await context.AddInitScriptAsync("""
            const write = navigator.clipboard.writeText.bind(navigator.clipboard);
            navigator.clipboard.writeText = text => { window.__copied = text; return write(text); };
            """);
        var page = await context.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        // Nothing yet: the checklist, not empty charts, with this site's own address in the push command.
        await page.WaitForSelectorAsync("[data-testid=setup-checklist]");
        Assert.Equal("0 of 5 done", (await ProgressAsync(page)).Trim());
        Assert.Equal(0, await page.Locator("[data-testid=landscape-chart]").CountAsync());
        foreach (var step in new[] { "organisation", "entra-groups", "pipeline-key", "first-push", "cluster" })
        {
            Assert.Equal("false", await DoneAsync(page, step));
        }
        var commands = await page.Locator("[data-testid=push-example]").InnerTextAsync();
        Assert.Contains($"curl -sS -X POST \"{app.BaseUrl}/api/v1/ingest/scans?cluster=my-cluster\"", commands, StringComparison.Ordinal);
        Assert.Contains("trivy image -f json -o trivy-report.json nginx:1.25", commands, StringComparison.Ordinal);
        Assert.Equal("/admin/organisation", await page.Locator("[data-testid=setup-link-organisation]").GetAttributeAsync("href"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("first-run.png"), FullPage = true });

        // The copy button puts exactly the shown commands on the clipboard.
        await page.ClickAsync("[data-testid=push-example-copy]");
        await page.WaitForFunctionAsync("expected => window.__copied === expected", commands.Trim());

        // a. A team created on the server side ticks the organisation step.
        await app.App.SeedTeamAsync("Payments");
        await page.ReloadAsync();
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("li[data-testid=setup-step-organisation][data-done=true]");
        Assert.Equal("1 of 5 done", (await ProgressAsync(page)).Trim());
        Assert.Equal("1 team", (await page.Locator("li[data-testid=setup-step-organisation] [data-testid=setup-step-status]").InnerTextAsync()).Trim());
        Assert.Equal("false", await DoneAsync(page, "entra-groups"));

        // c + d. A key, and the push exactly as the page shows it: the charts replace the checklist without a reload.
        var key = await app.App.CreateApiKeyAsync("ingest");
        var url = PushUrl().Match(commands).Groups[1].Value;
        using (var client = new HttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")) })
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var pushed = await client.SendAsync(request);
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync());
        }
        await page.WaitForSelectorAsync("[data-testid=landscape-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("[data-testid=setup-checklist]").CountAsync());

        // Steps remain (groups, cluster): a compact strip for the Security admin, hidden once dismissed.
        var strip = page.Locator("[data-testid=setup-strip]");
        await strip.WaitForAsync();
        Assert.Contains("Setup: 3 of 5 done.", await strip.InnerTextAsync(), StringComparison.Ordinal);
        await page.WaitForTimeoutAsync(1000); // the charts' entry animation, for the screenshot
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("first-run-after-push.png"), FullPage = true });
        await page.ClickAsync("[data-testid=setup-strip] .mud-alert-close button");
        await strip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await page.ReloadAsync();
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=landscape-chart]");
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(0, await strip.CountAsync());

        // The strip leads to the checklist, which still says what is left.
        await page.GotoAsync("/setup");
        await page.WaitForSelectorAsync("[data-testid=setup-checklist]");
        Assert.Equal("3 of 5 done", (await ProgressAsync(page)).Trim());
        Assert.Equal("true", await DoneAsync(page, "first-push"));
        Assert.Equal("false", await DoneAsync(page, "cluster"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task Another_role_sees_the_same_checklist_without_the_admin_actions()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Leadership.Viewer");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        await page.GotoAsync("/setup");
        await page.WaitForSelectorAsync("[data-testid=setup-checklist]");

        Assert.Equal(0, await page.Locator("[data-testid^=setup-link-]").CountAsync());
        var text = await page.Locator("[data-testid=setup-checklist]").InnerTextAsync();
        Assert.Contains("ask them about any step still open", text, StringComparison.Ordinal);
        Assert.Contains("Ask your Security Team for a key with the ingest scope.", text, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("first-run-read-only.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("\"(http[^\"]+/api/v1/ingest/scans[^\"]*)\"")]
    private static partial Regex PushUrl();
}
