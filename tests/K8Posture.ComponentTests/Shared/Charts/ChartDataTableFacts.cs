using System.Text.Json.Nodes;
using K8Posture.Shared.Charts;

namespace K8Posture.ComponentTests.Shared.Charts;

/// <summary>The table behind every chart: the same categories and series the chart draws, as encoded text.</summary>
public sealed class ChartDataTableFacts
{
    [Fact]
    public async Task Every_chart_has_a_table_of_its_categories_and_series()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.JSInterop.SetupModule(ApexChart.ModulePath);

        var cut = ctx.Render<ApexChart>(p => p
            .Add(c => c.Options, new { Chart = new { Type = "bar" }, Xaxis = new { Categories = new object[] { "Cloud IAM", new[] { "Kubernetes", "misconfiguration" } } } })
            .Add(c => c.Series, [new ChartSeries("Critical", [3, null]), new ChartSeries("High", [1.5, 7])])
            .Add(c => c.Caption, "Open findings by category and severity")
            .Add(c => c.CategoryHeader, "Category")
            .Add(c => c.TestId, "my-chart"));

        var table = cut.Find("[data-testid=my-chart-table]");
        Assert.Equal("Open findings by category and severity", table.QuerySelector("caption")!.TextContent);
        Assert.Equal(["Category", "Critical", "High"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        var rows = table.QuerySelectorAll("tbody tr").Select(tr => tr.Children.Select(c => c.TextContent).ToArray()).ToArray();
        Assert.Equal([["Cloud IAM", "3", "1.5"], ["Kubernetes misconfiguration", "no data", "7"]], rows);
        Assert.All(table.QuerySelectorAll("tbody th"), th => Assert.Equal("row", th.GetAttribute("scope")));
        Assert.Equal("true", cut.Find("[data-testid=my-chart]").GetAttribute("aria-hidden"));
    }

    [Fact]
    public async Task Names_from_ingested_data_are_encoded_and_new_data_redraws_the_table()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.JSInterop.SetupModule(ApexChart.ModulePath);
        var options = JsonNode.Parse("""{"chart":{"type":"donut"},"labels":["<img src=x onerror=alert(1)>"]}""")!.AsObject();

        var cut = ctx.Render<ApexChart>(p => p.Add(c => c.Options, options).Add(c => c.Series, [new ChartSeries("<b>R&D</b>", [4])]).Add(c => c.Caption, "Teams"));

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;R&amp;D&lt;/b&gt;", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("table img, table b"));

        cut.Render(p => p.Add(c => c.Series, [new ChartSeries("<b>R&D</b>", [9])]));
        Assert.Equal("9", cut.Find("tbody td").TextContent);
    }
}
