using System.Diagnostics;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Clusters;

/// <summary>
/// The demo landscape in Chromium: one cluster's state word is the same on /clusters, its own page, the landscape's count,
/// Inventory and the team page, and the executive PDF says the same.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterStateFacts(BrowserAppFixture app)
{
    private const string Collected = "prod-aks-weu";
    private const string Registered = "prod-eks-use1";
    private const string Discovered = "lab-rancher-unregistered";

    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private async Task MarkCollectedAsync() => await app.App.WithDbAsync(async db =>
    {
        var cluster = await db.Clusters.SingleAsync(c => c.Name == Collected);
        cluster.LastAttemptAt = cluster.LastSuccessAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        cluster.LastError = null;
        return await db.SaveChangesAsync();
    });

    private static async Task<string> StateInRowAsync(IPage page, string table, string cluster) =>
        (await page.Locator($"[data-testid={table}] tr:has-text('{cluster}') [data-testid=cluster-state]").First.InnerTextAsync()).Trim();

    [Fact]
    public async Task Every_page_shows_the_same_state_word_and_counts()
    {
        await MarkCollectedAsync();
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");

        await page.GotoAsync("/clusters");
        await page.WaitForSelectorAsync($"[data-testid=clusters-table] tr:has-text('{Collected}') [data-testid=cluster-state]");
        Assert.Equal("Collected", await StateInRowAsync(page, "clusters-table", Collected));
        Assert.Equal("Registered", await StateInRowAsync(page, "clusters-table", Registered));
        Assert.Equal("Discovered only", await StateInRowAsync(page, "clusters-table", Discovered));
        var kinds = await page.Locator("[data-testid=clusters-table] [data-testid=cluster-state]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.state)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("clusters-states.png"), FullPage = true });

        await page.GotoAsync("/clusters/" + Collected);
        await page.WaitForSelectorAsync("[data-testid=cluster-state-fact] [data-testid=cluster-state]");
        Assert.Equal("Collected", (await page.Locator("[data-testid=cluster-state-fact] [data-testid=cluster-state]").InnerTextAsync()).Trim());
        Assert.Contains("last successful collection", await page.Locator("[data-testid=cluster-state-description]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("cluster-page-state.png") });

        await page.GotoAsync("/");
        var caption = await page.Locator("[data-testid=kpi-clusters] [data-testid=kpi-caption]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 30_000 });
        int Count(string kind) => kinds.Count(k => k == kind);
        var expected = string.Join(" · ", new[] { ("Collected", "collected"), ("Registered", "registered"), ("Discovered", "discovered only") }
            .Where(k => Count(k.Item1) > 0).Select(k => $"{Count(k.Item1)} {k.Item2}"));
        Assert.Equal(expected, caption.Trim());
        Assert.Equal(kinds.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (await page.Locator("[data-testid=kpi-clusters] [data-testid=kpi-value]").InnerTextAsync()).Trim());

        await page.GotoAsync("/inventory");
        await page.WaitForSelectorAsync($"[data-testid=inventory-clusters] tr:has-text('{Collected}')", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal("Collected", await StateInRowAsync(page, "inventory-clusters", Collected));
        Assert.Equal("Discovered only", await StateInRowAsync(page, "inventory-clusters", Discovered));
        Assert.Equal(Count("Collected").ToString(System.Globalization.CultureInfo.InvariantCulture), (await page.Locator("[data-testid=kpi-collected] [data-testid=kpi-value]").InnerTextAsync()).Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("inventory-states.png"), FullPage = true });
    }

    [Fact]
    public async Task A_team_page_counts_the_clusters_its_header_names()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/teams/Payments");
        var named = await page.Locator("[data-testid=team-facts]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 30_000 });
        var count = await page.Locator("[data-testid=kpi-clusters] [data-testid=kpi-value]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 30_000 });
        var clusters = named.Split('\n').SkipWhile(l => !l.Trim().Equals("Clusters", StringComparison.OrdinalIgnoreCase)).Skip(1).First().Split(", ");
        Assert.Equal(clusters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), count.Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("team-payments.png") });
    }

    [Fact]
    public async Task The_executive_pdf_of_the_demo_reads_whole_and_names_no_job()
    {
        await MarkCollectedAsync();
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Leadership.Viewer");
        // Drawing the report takes a few seconds alone and more than Playwright's default 30 s on a shared CI machine.
        var created = await page.APIRequest.PostAsync("/api/v1/reports/executive", new APIRequestContextOptions { Timeout = 180_000 });
        Assert.Equal(201, created.Status);
        var pdf = await page.APIRequest.GetAsync(created.Headers["location"]);
        var file = Path.Combine(BrowserAppFixture.ScreenshotFolder, "executive-report-demo.pdf");
        await File.WriteAllBytesAsync(file, await pdf.BodyAsync());

        var text = await RunAsync("pdftotext", "-layout", file, "-");
        Assert.Contains("1 collected", text, StringComparison.Ordinal);
        Assert.DoesNotContain("job:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedHardIsolation", text, StringComparison.Ordinal);
        Assert.DoesNotContain("KubernetesMisconfiguration", text, StringComparison.Ordinal);
        await RunAsync("pdftoppm", "-png", "-r", "60", file, Path.Combine(BrowserAppFixture.ScreenshotFolder, "executive-report-demo"));
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
