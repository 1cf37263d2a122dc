using System.Text.RegularExpressions;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Shared;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>
/// The charts' rough edges (issue 21): whole category labels, whole-number ticks on count axes, solid trend lines, and no
/// one-bar "Riskiest clusters" ranking on a cluster's own page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ChartRoughEdgesFacts(BrowserAppFixture app)
{
    [GeneratedRegex(@"^\d+$")]
    private static partial Regex WholeNumber();

    private static async Task<IPage> OpenAsync(BrowserAppFixture app, string path, int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync(path);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=landscape-chart] .apexcharts-xaxis-label", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1500); // every chart drawn, entry animations done
        return page;
    }

    /// <summary>Each x label of the chart: its lines joined with a space, and whether it lies inside the chart without touching the next.</summary>
    private static Task<LabelBox[]> XLabelsAsync(IPage page, string chart) =>
        page.Locator($"[data-testid={chart}] .apexcharts-xaxis-texts-g").EvaluateAsync<LabelBox[]>("""
            g => {
                const svg = g.closest('svg').getBoundingClientRect();
                return [...g.querySelectorAll('text')].map(t => {
                    const r = t.getBoundingClientRect();
                    const spans = [...t.querySelectorAll('tspan')].map(s => s.textContent.trim()).filter(s => s);
                    return { text: spans.join(' '), left: r.left - svg.left, right: r.right - svg.left, width: svg.width };
                });
            }
            """);

    public sealed class LabelBox
    {
        public string Text { get; set; } = "";
        public double Left { get; set; }
        public double Right { get; set; }
        public double Width { get; set; }
    }

    private static async Task<IReadOnlyList<string>> TickLabelsAsync(IPage page, string chart, string axis) =>
        (await page.Locator($"[data-testid={chart}] .apexcharts-{axis}-label").AllTextContentsAsync()).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task The_landscape_shows_whole_category_labels_whole_number_counts_and_solid_trend_lines(int width, int height)
    {
        var page = await OpenAsync(app, "/", width, height);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"landscape-charts-{width}.png"), FullPage = true });

        foreach (var chart in new[] { "landscape-chart", "heatmap-chart" })
        {
            var labels = await XLabelsAsync(page, chart);
            Assert.Equal(FindingLabels.Categories.Select(c => c.Label()), labels.Select(l => l.Text));
            Assert.All(labels, l => Assert.True(l.Left >= 0 && l.Right <= l.Width, $"{chart}: '{l.Text}' spans {l.Left:0}..{l.Right:0} of {l.Width:0}"));
            Assert.All(labels.Zip(labels.Skip(1)), pair => Assert.True(pair.First.Right <= pair.Second.Left + 1, $"{chart}: '{pair.First.Text}' runs into '{pair.Second.Text}'"));
        }

        foreach (var (chart, axis) in new[] { ("landscape-chart", "yaxis"), ("trend-chart", "yaxis"), ("owasp-chart", "xaxis"), ("registry-chart", "xaxis"), ("ioc-chart", "xaxis") })
        {
            var ticks = await TickLabelsAsync(page, chart, axis);
            Assert.NotEmpty(ticks);
            Assert.All(ticks, t => Assert.Matches(WholeNumber(), t));
        }

        var lines = await page.Locator("[data-testid=trend-chart] path.apexcharts-line").EvaluateAllAsync<string[]>(
            "paths => paths.map(p => `${p.getAttribute('stroke-dasharray') ?? '0'}|${p.getAttribute('stroke-width')}`)");
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal("0|3", l));
        var outlined = await page.Locator("[data-testid=trend-chart] .apexcharts-graphical .apexcharts-marker").EvaluateAllAsync<string[]>(
            "ms => ms.filter(m => (m.getAttribute('stroke-width') ?? '0') !== '0').map(m => m.parentElement.outerHTML.slice(0, 300))");
        // The points' markers, not the legend's.
        Assert.True(await page.Locator("[data-testid=trend-chart] .apexcharts-graphical .apexcharts-marker").CountAsync() > 0);
        Assert.Empty(outlined);
        Assert.Equal(1, await page.Locator("[data-testid=risk-clusters-chart]").CountAsync());
    }

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task A_cluster_page_ranks_its_namespaces_but_draws_no_one_bar_cluster_ranking(int width, int height)
    {
        var page = await OpenAsync(app, "/clusters/prod-aks-weu", width, height);
        await page.WaitForSelectorAsync("[data-testid=risk-namespaces-chart] .apexcharts-bar-area");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"cluster-charts-{width}.png"), FullPage = true });

        Assert.Equal(0, await page.Locator("[data-testid=risk-clusters-chart]").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Riskiest clusters" }).CountAsync());
        // One cluster's registries and alerts are small counts: ApexCharts alone would tick 0, 0.2, …, 1.0.
        foreach (var chart in new[] { "registry-chart", "ioc-chart" })
        {
            Assert.All(await TickLabelsAsync(page, chart, "xaxis"), t => Assert.Matches(WholeNumber(), t));
        }
    }
}
