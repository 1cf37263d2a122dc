using K8Posture.BrowserTests.Infrastructure;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Clusters;

[Collection(BrowserCollection.Name)]
public sealed class ClusterManagePageFacts(BrowserAppFixture app)
{
    private static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}]").Locator("xpath=descendant-or-self::input");

    [Fact]
    public async Task An_admin_tests_a_connection_registers_the_cluster_and_never_sees_the_token_again()
    {
        await using var fake = await new FakeKubernetesApi().StartAsync();
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/clusters/manage");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        var name = "browser-" + Guid.NewGuid().ToString("N")[..6];
        await Input(page, "cluster-name").FillAsync(name);
        await page.ClickAsync("text=Server URL and token");
        await Input(page, "cluster-server").FillAsync(fake.Address.ToString());
        await Input(page, "cluster-token").FillAsync(fake.Token);
        await page.Keyboard.PressAsync("Tab");

        await page.ClickAsync("[data-testid=cluster-test]");
        var test = await page.Locator("[data-testid=cluster-test-result]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 15_000 });
        Assert.Contains("v1.31.0-fake", test, StringComparison.Ordinal);

        await page.ClickAsync("[data-testid=cluster-save]");
        await page.WaitForSelectorAsync($"tr:has-text('{name}')", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "clusters-manage.png"), FullPage = true });

        await page.Locator($"tr:has-text('{name}') >> [data-testid=cluster-refresh]").ClickAsync();
        await page.WaitForSelectorAsync("text=queued", new PageWaitForSelectorOptions { Timeout = 15_000 });

        await page.ReloadAsync();
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync($"tr:has-text('{name}')");
        Assert.DoesNotContain(fake.Token, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/clusters");
        await page.WaitForSelectorAsync($"tr:has-text('{name}')");
        Assert.DoesNotContain(fake.Token, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
