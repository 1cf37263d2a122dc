using System.Net.Http.Headers;
using System.Text;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Inventory;

[Collection(BrowserCollection.Name)]
public sealed class InventoryPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task The_demo_inventory_shows_discovered_clusters_endpoints_desktops_and_docker_hub_pulls()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/inventory");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        try
        {
            await page.WaitForSelectorAsync("[data-testid=dockerhub-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
            await page.WaitForTimeoutAsync(1500); // the bars' entry animation, before the screenshot
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "inventory.png"), FullPage = true });
        }

        var clusters = await page.Locator("[data-testid=inventory-clusters]").InnerTextAsync();
        Assert.Contains("recordingbotcluster", clusters, StringComparison.Ordinal);
        Assert.Contains("my-eks-cluster", clusters, StringComparison.Ordinal);
        Assert.Contains("prod-aks-weu", clusters, StringComparison.Ordinal);
        // The demo registers none of the 9 cloud clusters; with the unregistered lab cluster, 10 are discovered.
        Assert.True(await page.Locator("[data-testid=inventory-clusters] [data-testid=cluster-state][data-state=Discovered]").CountAsync() >= 10);
        // Five demo clusters are registered, collected or not (another test may register one more or mark one collected).
        async Task<int> Kpi(string id) => int.Parse(await page.Locator($"[data-testid={id}] [data-testid=kpi-value]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Kpi("kpi-registered") + await Kpi("kpi-collected") >= 5);
        Assert.True(await page.Locator("[data-testid=exposure-link]").CountAsync() >= 8, "the AKS and GKE exposures are linked from their clusters");
        Assert.Contains("192.0.2.10", await page.Locator("[data-testid=inventory-endpoints]").InnerTextAsync(), StringComparison.Ordinal);
        var desktops = await page.Locator("[data-testid=inventory-desktops]").InnerTextAsync();
        Assert.Contains("Rancher Desktop", desktops, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft Teams", desktops, StringComparison.Ordinal);
        Assert.True(await page.Locator("[data-testid=dockerhub-chart] .apexcharts-bar-area").CountAsync() > 0, "the docker.io chart drew no bars");
        Assert.Contains("ci-runner-03.build.example.com", await page.Locator("[data-testid=dockerhub-hosts]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("[data-testid=tree-cluster]").CountAsync() >= 15);
        Assert.Contains("Finance", await page.Locator("[data-testid=inventory-units]").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_shows_on_an_open_inventory_page_without_reload()
    {
        var viewer = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(viewer, "Leadership.Viewer");
        await viewer.GotoAsync("/inventory");
        await BrowserAppFixture.WaitForInteractiveAsync(viewer);
        await viewer.WaitForSelectorAsync("[data-testid=inventory-desktops]");

        var key = await CreateIngestKeyAsync();
        var host = "LT-LIVE-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var csv = $"hostname,user,product,version,last_seen\n{host},live@example.com,Docker Desktop,4.37.0,{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n";
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.PostAsync("/api/v1/ingest/inventory", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        await viewer.WaitForSelectorAsync($"[data-testid=inventory-desktops] >> text={host}", new PageWaitForSelectorOptions { Timeout = 20_000 });
    }

    private async Task<string> CreateIngestKeyAsync()
    {
        var admin = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(admin, "Security.Admin");
        await admin.GotoAsync("/admin/api-keys");
        await BrowserAppFixture.WaitForInteractiveAsync(admin);
        await admin.Locator("[data-testid=key-name]").Locator("xpath=descendant-or-self::input").FillAsync("inventory-live-" + Guid.NewGuid().ToString("N")[..6]);
        await admin.Keyboard.PressAsync("Tab");
        await admin.ClickAsync("[data-testid=key-create]");
        return await admin.Locator("[data-testid=key-secret]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 15_000 });
    }
}
