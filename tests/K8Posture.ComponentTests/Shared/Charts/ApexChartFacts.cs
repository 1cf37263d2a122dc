using System.Text.Json.Nodes;
using K8Posture.Shared.Charts;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace K8Posture.ComponentTests.Shared.Charts;

public sealed class ApexChartFacts
{
    private static readonly IReadOnlyList<ChartSeries> InitialSeries = [new ChartSeries("Critical", [1, 2, null])];

    [Fact]
    public async Task Imports_the_module_and_creates_the_chart_with_options_and_series()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddMudServices();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        var module = ctx.JSInterop.SetupModule(ApexChart.ModulePath);

        var cut = ctx.Render<ApexChart>(p => p
            .Add(c => c.Options, new { Chart = new { Type = "bar", Stacked = true }, Xaxis = new { Categories = new[] { "a", "b", "c" } } })
            .Add(c => c.Series, InitialSeries)
            .Add(c => c.Height, "300px")
            .Add(c => c.TestId, "my-chart"));

        Assert.NotNull(cut.Find("[data-testid=my-chart]"));
        ctx.JSInterop.VerifyInvoke("import");
        var create = module.VerifyInvoke("create");
        var options = Assert.IsType<JsonObject>(create.Arguments[1]);
        Assert.Equal("bar", (string?)options["chart"]!["type"]);
        Assert.True((bool)options["chart"]!["stacked"]!);
        Assert.Equal("300px", (string?)options["chart"]!["height"]);
        Assert.False((bool)options["chart"]!["animations"]!["enabled"]!);
        Assert.Equal("Critical", (string?)options["series"]![0]!["name"]);
        Assert.Equal(2, (double)options["series"]![0]!["data"]![1]!);
        Assert.Equal("b", (string?)options["xaxis"]!["categories"]![1]);
    }

    [Fact]
    public async Task Accepts_raw_json_options()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        var module = ctx.JSInterop.SetupModule(ApexChart.ModulePath);

        ctx.Render<ApexChart>(p => p.Add(c => c.Options, JsonNode.Parse("""{"chart":{"type":"donut"},"labels":["x"]}""")!.AsObject()));

        var options = Assert.IsType<JsonObject>(module.VerifyInvoke("create").Arguments[1]);
        Assert.Equal("donut", (string?)options["chart"]!["type"]);
        Assert.Equal("x", (string?)options["labels"]![0]);
    }

    [Fact]
    public async Task Update_series_updates_in_place_without_creating_again()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        var module = ctx.JSInterop.SetupModule(ApexChart.ModulePath);
        var cut = ctx.Render<ApexChart>(p => p.Add(c => c.Options, new { Chart = new { Type = "bar" } }).Add(c => c.Series, InitialSeries));
        IReadOnlyList<ChartSeries> updated = [new ChartSeries("Critical", [5, 6, 7])];

        await cut.InvokeAsync(() => cut.Instance.UpdateSeriesAsync(updated));

        var update = module.VerifyInvoke("updateSeries");
        Assert.Same(updated, update.Arguments[1]);
        Assert.Single(module.Invocations["create"]);
        Assert.Single(ctx.JSInterop.Invocations["import"]);
    }

    [Fact]
    public async Task Reports_the_clicked_data_point()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.JSInterop.SetupModule(ApexChart.ModulePath);
        ChartPointSelection? selected = null;
        var cut = ctx.Render<ApexChart>(p => p
            .Add(c => c.Options, new { })
            .Add(c => c.OnPointSelected, (ChartPointSelection s) => selected = s));

        await cut.InvokeAsync(() => cut.Instance.OnDataPointSelected(2, 4));

        Assert.Equal(new ChartPointSelection(2, 4), selected);
    }

    [Fact]
    public async Task Disposing_tolerates_a_disconnected_circuit()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        var module = ctx.JSInterop.SetupModule(ApexChart.ModulePath);
        module.SetupVoid("destroy", _ => true).SetException(new JSDisconnectedException("circuit gone"));
        var cut = ctx.Render<ApexChart>(p => p.Add(c => c.Options, new { }));

        await cut.Instance.DisposeAsync();

        module.VerifyInvoke("destroy");
    }
}
