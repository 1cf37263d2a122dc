using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>
/// Names from ingested data (teams, clusters, namespaces, registries) reach every chart. Old rows may hold markup that
/// today's ingest validation would refuse, so this stores hostile names straight into the database, hovers every
/// chart element on every page with charts, and checks that no script ran and the names read as literal text.
/// Its own app instance: renaming demo data would break the shared fixture's other tests.
/// </summary>
public sealed class ChartEncodingFacts(ChartEncodingFacts.HostileNamesFixture app) : IClassFixture<ChartEncodingFacts.HostileNamesFixture>
{
    public const string HostileTeam = "<img src=x onerror=window.__xss=1>";
    public const string HostileCluster = "<img src=x onerror=window.__xss=2>";
    public const string HostileNamespace = "<img src=x onerror=window.__xss=3>";
    public const string HostileRegistry = "<img src=x onerror=window.__xss=4>";
    /// <summary>Plain text that must not come out double-encoded ("R&amp;amp;D") anywhere.</summary>
    public const string AmpersandTeam = "R&D";

    public sealed class HostileNamesFixture : BrowserAppFixture, IAsyncLifetime
    {
        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await App.WithDbAsync(async db =>
            {
                var teams = await db.Database.SqlQueryRaw<int>(
                    "SELECT OwnerTeamId AS Value FROM Findings WHERE OwnerTeamId IS NOT NULL GROUP BY OwnerTeamId ORDER BY COUNT(*) DESC LIMIT 2").ToListAsync();
                var cluster = await db.Database.SqlQueryRaw<int>(
                    "SELECT ClusterId AS Value FROM Findings WHERE ClusterId IS NOT NULL GROUP BY ClusterId ORDER BY COUNT(*) DESC LIMIT 1").SingleAsync();
                var ns = await db.Database.SqlQueryRaw<string>(
                    "SELECT NamespaceName AS Value FROM Findings WHERE ClusterId = {0} AND NamespaceName IS NOT NULL GROUP BY NamespaceName ORDER BY COUNT(*) DESC LIMIT 1", cluster).SingleAsync();
                var registry = await db.Database.SqlQueryRaw<string>(
                    "SELECT ImageRegistry AS Value FROM Findings WHERE ImageRegistry IS NOT NULL GROUP BY ImageRegistry ORDER BY COUNT(*) DESC LIMIT 1").SingleAsync();

                await db.Database.ExecuteSqlRawAsync("UPDATE Teams SET Name = {0} WHERE Id = {1}", HostileTeam, teams[0]);
                await db.Database.ExecuteSqlRawAsync("UPDATE Teams SET Name = {0} WHERE Id = {1}", AmpersandTeam, teams[1]);
                await db.Database.ExecuteSqlRawAsync("UPDATE Clusters SET Name = {0} WHERE Id = {1}", HostileCluster, cluster);
                await db.Database.ExecuteSqlRawAsync("UPDATE Namespaces SET Name = {0} WHERE ClusterId = {1} AND Name = {2}", HostileNamespace, cluster, ns);
                await db.Database.ExecuteSqlRawAsync("UPDATE Findings SET NamespaceName = {0} WHERE ClusterId = {1} AND NamespaceName = {2}", HostileNamespace, cluster, ns);
                await db.Database.ExecuteSqlRawAsync("UPDATE Findings SET ImageRegistry = {0} WHERE ImageRegistry = {1}", HostileRegistry, registry);
                return await LandscapeCubeBuilder.RebuildAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
            });
        }

        Task IAsyncLifetime.InitializeAsync() => InitializeAsync();
    }

    /// <summary>Every page with an ApexChart (grep "&lt;ApexChart" in src), the tab that shows it, and its first chart.</summary>
    public static TheoryData<string, string?, string> PagesWithCharts => new()
    {
        { "/", null, "[data-testid=landscape-chart]" },
        { "/alerts", null, "[data-testid=alerts-timeline]" },
        { "/inventory", null, "[data-testid=dockerhub-chart]" },
        { "/remediation", "Metrics", "[data-testid=metrics-backlog-chart]" },
    };

    [Theory]
    [MemberData(nameof(PagesWithCharts))]
    public async Task Hovering_every_chart_element_runs_no_script_from_a_name(string path, string? tab, string firstChart)
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync(path);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        if (tab is not null)
        {
            await page.GetByRole(AriaRole.Tab, new PageGetByRoleOptions { Name = tab }).ClickAsync();
        }
        await page.WaitForSelectorAsync(firstChart + " .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1500); // every chart of the page drawn and its entry animation done

        // The page's CSP already stops an inline onerror from running, so the observer is what sees a name that
        // became markup in any tooltip along the way, not only in the last one shown.
        await page.EvaluateAsync("""
            () => new MutationObserver(records => {
                if (records.some(record => [...record.addedNodes].some(node =>
                    node.nodeType === 1 && (node.matches('img[src=x]') || node.querySelector('img[src=x]'))))) {
                    window.__markupFromAName = true;
                }
            }).observe(document.body, { childList: true, subtree: true })
            """);

        var hovered = await HoverEveryChartElementAsync(page);

        Assert.True(hovered > 0, $"no chart element to hover on {path}");
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__markupFromAName"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
    }

    [Fact]
    public async Task The_landscape_shows_hostile_names_as_literal_text_in_labels_legends_and_tooltips()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=risk-clusters-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1500);

        // Axis labels are SVG text (textContent): the literal name, not encoded twice.
        var axisText = await page.Locator(".apexcharts-canvas text").AllTextContentsAsync();
        Assert.Contains(axisText, t => t.Contains(HostileCluster, StringComparison.Ordinal));
        Assert.Contains(axisText, t => t.Contains(HostileNamespace, StringComparison.Ordinal));
        Assert.Contains(axisText, t => t.Contains(HostileRegistry, StringComparison.Ordinal));
        Assert.DoesNotContain(axisText, t => t.Contains("&amp;", StringComparison.Ordinal) || t.Contains("&lt;", StringComparison.Ordinal));

        Assert.Contains(axisText, t => t.Contains(HostileTeam, StringComparison.Ordinal));
        Assert.Contains(axisText, t => t.Contains(AmpersandTeam, StringComparison.Ordinal));

        // The heatmap's tooltip names the team (a series name) in HTML: literal text, "R&D" stays "R&D".
        var heatmap = page.Locator("[data-testid=heatmap-chart]");
        var teamsInTooltips = new HashSet<string>(StringComparer.Ordinal);
        var cells = heatmap.Locator(".apexcharts-heatmap-rect");
        for (var i = 0; i < await cells.CountAsync(); i++)
        {
            await cells.Nth(i).HoverAsync(new LocatorHoverOptions { Force = true });
            teamsInTooltips.Add((await heatmap.Locator(".apexcharts-tooltip-text-y-label").First.InnerTextAsync()).Trim().TrimEnd(':'));
        }
        Assert.Contains(HostileTeam, teamsInTooltips);
        Assert.Contains(AmpersandTeam, teamsInTooltips);

        // Tooltip titles are HTML too: hover the ranked bars until one names a hostile cluster, namespace or registry.
        string? title = null;
        ILocator? shown = null;
        foreach (var testId in new[] { "risk-clusters-chart", "risk-namespaces-chart", "registry-chart" })
        {
            var chart = page.Locator($"[data-testid={testId}]");
            await chart.ScrollIntoViewIfNeededAsync();
            var bars = chart.Locator(".apexcharts-bar-area");
            for (var i = 0; i < await bars.CountAsync() && title?.Contains("<img", StringComparison.Ordinal) != true; i++)
            {
                await bars.Nth(i).HoverAsync(new LocatorHoverOptions { Force = true });
                await page.WaitForTimeoutAsync(200);
                title = (await chart.Locator(".apexcharts-tooltip-title").InnerTextAsync()).Trim();
                shown = chart;
            }
            if (title?.Contains("<img", StringComparison.Ordinal) == true)
            {
                break;
            }
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "chart-hostile-name-tooltip.png") });
        Assert.Contains(new[] { HostileCluster, HostileNamespace, HostileRegistry }, name => title?.Contains(name, StringComparison.Ordinal) == true);
        Assert.Equal(0, await shown!.Locator(".apexcharts-tooltip img").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
    }

    /// <summary>
    /// Moves the mouse over every bar, point, heatmap cell and legend item of every chart on the page. The boxes are
    /// read in one script call per chart and the real mouse moves to each centre: a locator hover per element waited
    /// up to its timeout on every zero-size bar (a count of 0), which made this test take minutes.
    /// </summary>
    private static async Task<int> HoverEveryChartElementAsync(IPage page)
    {
        var charts = page.Locator(".apexcharts-canvas");
        var hovered = 0;
        for (var chart = 0; chart < await charts.CountAsync(); chart++)
        {
            var canvas = charts.Nth(chart);
            await canvas.ScrollIntoViewIfNeededAsync();
            var centres = await canvas.EvaluateAsync<double[][]>("""
                canvas => [...canvas.querySelectorAll('.apexcharts-bar-area, .apexcharts-heatmap-rect, .apexcharts-marker, .apexcharts-legend-series')]
                    .map(element => element.getBoundingClientRect())
                    .filter(box => box.width > 0 && box.height > 0)
                    .map(box => [box.x + box.width / 2, box.y + box.height / 2])
                """);
            foreach (var centre in centres)
            {
                await page.Mouse.MoveAsync((float)centre[0], (float)centre[1]);
                hovered++;
            }
        }
        return hovered;
    }
}
