using System.Globalization;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>
/// On the demo landscape in Chromium: the landscape and Remediation › Metrics show the same open, overdue, SLA compliance
/// and MTTR; the unowned findings are a row of the heatmap and of the metrics' team table, linked to their findings; and
/// the trend the demo draws is rebuilt from the findings, so it has no cliff.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PostureFiguresPageFacts(BrowserAppFixture app)
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).First.InnerTextAsync()).Trim();

    [Fact]
    public async Task The_landscape_and_the_remediation_metrics_agree_and_show_the_unowned_findings()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.WaitForSelectorAsync("[data-testid=heatmap-chart] .apexcharts-heatmap-rect", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1500); // let the charts finish drawing before the screenshot
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("landscape-figures.png"), FullPage = true });

        var totalOpen = await TextAsync(page, "[data-testid=kpi-total-open] [data-testid=kpi-value]");
        var sla = await TextAsync(page, "[data-testid=kpi-sla] [data-testid=kpi-value]");
        var slaCaption = await TextAsync(page, "[data-testid=kpi-sla] [data-testid=kpi-caption]");
        var mttr = await TextAsync(page, "[data-testid=kpi-mttr] [data-testid=kpi-value]");
        var ownedShare = await TextAsync(page, "[data-testid=kpi-owned-share] [data-testid=kpi-value]");
        var ownedCaption = await TextAsync(page, "[data-testid=kpi-owned-share] [data-testid=kpi-caption]");
        var overdue = slaCaption.Split(' ')[0];
        var unowned = ownedCaption.Split('·')[1].Trim().Split(' ')[0];
        Assert.True(int.Parse(unowned, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, ownedCaption);

        // The heatmap has an "Unowned" row beside the teams, and a link to those findings and to the ownership rules.
        var rowLabels = await page.Locator("[data-testid=heatmap-chart] .apexcharts-yaxis-label").AllTextContentsAsync();
        Assert.Contains(rowLabels, l => l.Trim().StartsWith("Unowned", StringComparison.Ordinal)); // the label and its title element
        var unownedNote = page.Locator("[data-testid=heatmap-unowned]");
        Assert.StartsWith(unowned + " unowned open findings", (await unownedNote.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.Equal(1, await unownedNote.Locator("a[href*='owner=unowned']").CountAsync());
        Assert.Equal(1, await unownedNote.Locator("a[href='/policy']").CountAsync());

        await page.GotoAsync("/remediation?tab=metrics");
        await page.WaitForSelectorAsync("[data-testid=metrics-backlog-chart] .apexcharts-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("remediation-metrics-figures.png"), FullPage = true });
        Assert.Equal(totalOpen, await TextAsync(page, "[data-testid=metrics-open]"));
        Assert.Equal(overdue, await TextAsync(page, "[data-testid=metrics-overdue]"));
        Assert.Equal(sla, await TextAsync(page, "[data-testid=metrics-compliance]"));
        Assert.Equal(mttr, await TextAsync(page, "[data-testid=metrics-mttr]"));
        Assert.Equal(ownedShare, await TextAsync(page, "[data-testid=metrics-owned-share]"));
        var unownedRow = page.Locator("[data-testid=metrics-team-unowned]");
        Assert.Equal(unowned, (await unownedRow.Locator("td").Nth(1).InnerTextAsync()).Trim());

        await unownedRow.Locator("a[href*='owner=unowned']").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("owner=unowned", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("[data-testid=extra-filters]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Contains("Owner team: none (unowned)", await page.Locator("[data-testid=extra-filters]").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_demo_trend_is_rebuilt_from_the_findings_and_has_no_cliff()
    {
        var totals = await app.App.WithDbAsync(db => db.LandscapeSnapshots.GroupBy(s => s.Day).Select(g => new { Day = g.Key, Open = g.Sum(s => s.OpenCount) }).OrderBy(d => d.Day).ToListAsync());
        var metrics = await app.App.WithDbAsync(db => db.RemediationMetricSnapshots.GroupBy(s => s.Day).Select(g => new { Day = g.Key, Open = g.Sum(s => s.Open) }).OrderBy(d => d.Day).ToListAsync());
        Assert.True(totals.Count >= 60, $"{totals.Count} days of landscape history");
        // Both trends count the same findings the same way, day by day (today's rows come from two jobs run at different moments of the seeding).
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(totals.Where(t => t.Day < today).Select(t => (t.Day, t.Open)), metrics.Where(m => m.Day < today && totals.Any(t => t.Day == m.Day)).Select(m => (m.Day, m.Open)));
        // No day jumps to several times the day before (the old demo went from about 95 to about 510 overnight).
        foreach (var (before, after) in totals.Zip(totals.Skip(1)))
        {
            Assert.True(after.Open <= Math.Max(20, before.Open * 1.5), $"{before.Day}: {before.Open} → {after.Day}: {after.Open}");
        }
    }
}
