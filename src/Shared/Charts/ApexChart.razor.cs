using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace K8Posture.Shared.Charts;

/// <summary>
/// Hosts one ApexCharts chart (the vendored script in wwwroot/lib/apexcharts) through wwwroot/js/apexcharts-interop.js.
/// The chart is created once after the first render; later data goes through <see cref="UpdateSeriesAsync"/>, which
/// updates it in place so the animation and the person's zoom survive live refreshes.
/// </summary>
public sealed partial class ApexChart : ComponentBase, IAsyncDisposable
{
    public const string ModulePath = "./js/apexcharts-interop.js";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private ElementReference _host;
    private Task<IJSObjectReference>? _module;
    private DotNetObjectReference<ApexChart>? _selfReference;
    private IReadOnlyList<ChartSeries>? _seriesOnChart;
    private bool _created;
    private bool _disposed;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>ApexCharts options: any object (serialised camelCase with System.Text.Json) or a <see cref="JsonObject"/> of raw options.</summary>
    [Parameter, EditorRequired] public object Options { get; set; } = default!;

    [Parameter] public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    /// <summary>CSS height of the chart, e.g. "360px".</summary>
    [Parameter] public string Height { get; set; } = "360px";

    [Parameter] public EventCallback<ChartPointSelection> OnPointSelected { get; set; }

    [Parameter] public string TestId { get; set; } = "apex-chart";

    /// <summary>What the chart shows, as the caption of its data table (the text alternative read by screen readers).</summary>
    [Parameter, EditorRequired] public string Caption { get; set; } = "";

    /// <summary>The header of the data table's first column: what an x category is (a day, a team, a cluster).</summary>
    [Parameter] public string CategoryHeader { get; set; } = "Category";

    private string HostStyle => $"min-height:{Height}";

    private Task<IJSObjectReference> Module => _module ??= JS.InvokeAsync<IJSObjectReference>("import", ModulePath).AsTask();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _selfReference = DotNetObjectReference.Create(this);
            _seriesOnChart = Series;
            var module = await Module;
            // UpdateSeriesAsync may have been called while the module loaded; create with the newest data.
            await module.InvokeVoidAsync("create", _host, BuildOptions(Options, _seriesOnChart, Height), _selfReference);
            _created = true;
        }
        else if (_created && !ReferenceEquals(Series, _seriesOnChart))
        {
            await UpdateSeriesAsync(Series);
        }
    }

    /// <summary>Replaces the chart's data in place (no re-create).</summary>
    public async Task UpdateSeriesAsync(IReadOnlyList<ChartSeries> series)
    {
        _seriesOnChart = series;
        if (!_created || _disposed)
        {
            return;
        }
        var module = await Module;
        await module.InvokeVoidAsync("updateSeries", _host, series);
    }

    /// <summary>Merges new options into the chart (e.g. colours after a theme switch).</summary>
    public async Task UpdateOptionsAsync(object options)
    {
        if (!_created || _disposed)
        {
            return;
        }
        var module = await Module;
        await module.InvokeVoidAsync("updateOptions", _host, ToJsonObject(options));
    }

    [JSInvokable]
    public Task OnDataPointSelected(int seriesIndex, int dataPointIndex) =>
        OnPointSelected.InvokeAsync(new ChartPointSelection(seriesIndex, dataPointIndex));

    internal static JsonObject BuildOptions(object options, IReadOnlyList<ChartSeries> series, string height)
    {
        var json = ToJsonObject(options);
        if (json["chart"] is not JsonObject chart)
        {
            chart = [];
            json["chart"] = chart;
        }
        chart["height"] ??= height;
        // Drawn at once: the landscape's eight charts animating for 800 ms each cost a busy browser more than the drawing
        // itself, and each live update would animate again. A page can still ask for animations.
        chart["animations"] ??= new JsonObject { ["enabled"] = false };
        json["series"] = JsonSerializer.SerializeToNode(series, SerializerOptions);
        return json;
    }

    internal static JsonObject ToJsonObject(object options) => options switch
    {
        JsonObject raw => (JsonObject)raw.DeepClone(),
        _ => JsonSerializer.SerializeToNode(options, SerializerOptions) as JsonObject
            ?? throw new ArgumentException("Chart options must serialise to a JSON object.", nameof(options)),
    };

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (_module is not null)
            {
                var module = await _module;
                if (_created)
                {
                    await module.InvokeVoidAsync("destroy", _host);
                }
                await module.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // The circuit is gone; the browser dropped the chart with the page.
        }
        finally
        {
            _selfReference?.Dispose();
        }
    }
}
