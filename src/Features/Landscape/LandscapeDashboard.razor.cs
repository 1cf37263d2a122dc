using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.AspNetCore.Components;

namespace K8Posture.Features.Landscape;

/// <summary>
/// The landscape picture (KPIs and charts) for a filter; the home page, the cluster page and the team page all use it,
/// the latter two with their cluster or team fixed. Reloads when the landscape cells are rebuilt after new data and when
/// the runtime signals (alerts) change.
/// </summary>
public sealed partial class LandscapeDashboard : ComponentBase, IDisposable
{
    private LandscapeSummary? _summary;
    private LandscapeFilter? _loadedFilter;
    private FilterChoices _choices = new([], [], [], []);
    private IReadOnlyList<ChartSeries> _categorySeries = [];
    private IReadOnlyList<ChartSeries> _trendSeries = [];
    private IReadOnlyList<string> _trendDays = [];
    private IReadOnlyList<FindingSeverity> _trendSeverities = [];
    private IReadOnlyList<ChartSeries> _riskClusterSeries = [];
    private IReadOnlyList<ChartSeries> _riskNamespaceSeries = [];
    private IReadOnlyList<ChartSeries> _heatSeries = [];
    private IReadOnlyList<string> _heatTeams = [];
    private bool _heatHasUnowned;
    private IReadOnlyList<ChartSeries> _owaspSeries = [];
    private IReadOnlyList<ChartSeries> _registrySeries = [];
    private IReadOnlyList<ChartSeries> _iocSeries = [];
    private string _trendKey = "", _riskClusterKey = "", _riskNamespaceKey = "", _heatKey = "", _owaspKey = "", _registryKey = "", _iocKey = "";
    private ApexChart? _chart;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(TimeSpan.FromMilliseconds(100));
    private bool _chartDarkMode;

    [Inject] private LandscapeQueries Queries { get; set; } = default!;
    [Inject] private LandscapeCubeRefresher Cube { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Parameter, EditorRequired] public LandscapeFilter Filter { get; set; } = new();
    [Parameter] public EventCallback<LandscapeFilter> FilterChanged { get; set; }
    [Parameter] public bool ShowFilters { get; set; } = true;
    [Parameter] public bool FixedTeam { get; set; }
    [Parameter] public bool FixedCluster { get; set; }
    [Parameter] public bool ShowEmptyHelp { get; set; }
    [Parameter] public RenderFragment? EmptyContent { get; set; }

    /// <summary>The layout's light/dark choice; the charts follow it.</summary>
    [CascadingParameter(Name = "DarkMode")] private bool DarkMode { get; set; }

    /// <summary>The summary on screen (tests and the hosting page read it).</summary>
    public LandscapeSummary? Summary => _summary;

    protected override async Task OnInitializedAsync()
    {
        _chartDarkMode = DarkMode;
        _subscription = Cube.Subscribe(() => _refresh.DebounceAsync(() => InvokeAsync(RefreshAsync)));
        _choices = await Queries.GetFilterChoicesAsync(_refresh.DisposedToken);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFilter != Filter)
        {
            await LoadAsync();
        }
        if (_chart is not null && _chartDarkMode != DarkMode)
        {
            _chartDarkMode = DarkMode;
            await _chart.UpdateOptionsAsync(new { Theme = ChartTheme(DarkMode) });
        }
    }

    private async Task LoadAsync()
    {
        var filter = Filter;
        var summary = await Queries.GetSummaryAsync(filter, _refresh.DisposedToken);
        _loadedFilter = filter;
        _summary = summary;
        BuildSeries(summary);
    }

    private async Task RefreshAsync()
    {
        if (_refresh.IsDisposed)
        {
            return;
        }
        await LoadAsync();
        if (_chart is not null && !_summary!.IsEmpty)
        {
            await _chart.UpdateSeriesAsync(_categorySeries);
        }
        StateHasChanged();
    }

    private Task ChangeAsync(LandscapeFilter filter) => FilterChanged.InvokeAsync(filter);

    private void BuildSeries(LandscapeSummary s)
    {
        _categorySeries = LandscapeQueries.ToChartSeries(s);

        _trendDays = s.Trend.Select(p => p.Day).Distinct().Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        _trendSeverities = FindingLabels.SeveritiesWorstFirst.Where(sev => s.Trend.Any(p => p.Severity == sev && p.Count > 0)).ToList();
        var trendByKey = s.Trend.GroupBy(p => (p.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Severity)).ToDictionary(g => g.Key, g => g.Sum(p => p.Count));
        _trendSeries = _trendSeverities
            .Select(sev => new ChartSeries(sev.Label(), _trendDays.Select(d => (double?)trendByKey.GetValueOrDefault((d, sev))).ToList()))
            .ToList();
        _trendKey = string.Join(',', _trendSeverities) + _trendDays.FirstOrDefault() + _trendDays.LastOrDefault() + _trendDays.Count;

        _riskClusterSeries = [new ChartSeries("Risk score", s.RiskiestClusters.Select(r => (double?)Math.Round(r.Score, 1)).ToList())];
        _riskClusterKey = string.Join('|', s.RiskiestClusters.Select(r => r.Cluster));
        _riskNamespaceSeries = [new ChartSeries("Risk score", s.RiskiestNamespaces.Select(r => (double?)Math.Round(r.Score, 1)).ToList())];
        _riskNamespaceKey = string.Join('|', s.RiskiestNamespaces.Select(r => r.Cluster + "/" + r.Namespace));

        // Teams by name, then the unowned bucket as a row of its own (it is not a team, so it never hides among them).
        _heatTeams = s.TeamHeatmap.Where(h => !h.IsUnowned).Select(h => h.Team).Distinct().Order(StringComparer.Ordinal).ToList();
        _heatHasUnowned = s.TeamHeatmap.Any(h => h.IsUnowned);
        var heatRows = _heatTeams.Select(team => (Label: team, Cells: s.TeamHeatmap.Where(h => !h.IsUnowned && h.Team == team)))
            .Concat(_heatHasUnowned ? [(Label: PostureDefinitions.UnownedLabel, Cells: s.TeamHeatmap.Where(h => h.IsUnowned))] : [])
            .ToList();
        // ApexCharts draws heatmap series bottom-up; reverse so the first team is on top.
        _heatSeries = Enumerable.Reverse(heatRows)
            .Select(row => new ChartSeries(row.Label, FindingLabels.Categories
                .Select(category => (double?)row.Cells.Where(h => h.Category == category).Sum(h => h.Count)).ToList()))
            .ToList();
        _heatKey = string.Join('|', _heatTeams) + (_heatHasUnowned ? "|unowned" : "");

        _owaspSeries = [new ChartSeries("Open findings", s.Owasp.Select(o => (double?)o.Count).ToList())];
        _owaspKey = "10";

        _registrySeries = [new ChartSeries("Running images", s.Registries.Select(r => (double?)r.Images).ToList())];
        _registryKey = string.Join('|', s.Registries.Select(r => r.Registry + r.Allowed));

        _iocSeries = [new ChartSeries("Alerts", s.Runtime.ByIocClass.Select(i => (double?)i.Count).ToList())];
        _iocKey = string.Join('|', s.Runtime.ByIocClass.Select(i => i.IocClass));
    }

    private static object ChartTheme(bool dark) => new { Mode = dark ? "dark" : "light" };

    private object CategoryOptions => new
    {
        Chart = new { Type = "bar", Stacked = true, Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = false, ColumnWidth = "55%" } },
        Colors = FindingLabels.SeveritiesWorstFirst.Select(s => s.Colour()).ToArray(),
        Xaxis = ChartAxes.WrappedCategories(FindingLabels.Categories.Select(c => c.Label())),
        Yaxis = ChartAxes.Count("Open findings"),
        Legend = new { Position = "top" },
        DataLabels = new { Enabled = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private object TrendOptions => new
    {
        Chart = new { Type = "line", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent", Zoom = new { Enabled = false } },
        Theme = ChartTheme(DarkMode),
        Colors = _trendSeverities.Select(s => s.Colour()).ToArray(),
        // Solid lines: the markers' default white outline, one every few pixels, chopped a 90-day line into dots.
        Stroke = new { Width = 3, Curve = "straight" },
        Markers = new { Size = 2, StrokeWidth = 0, Hover = new { Size = 6 } },
        Xaxis = new { Categories = _trendDays, TickAmount = 6, Labels = new { Rotate = 0 } },
        Yaxis = ChartAxes.Count("Open findings"),
        Tooltip = new { Shared = false, Intersect = true },
        Legend = new { Position = "top" },
        DataLabels = new { Enabled = false },
    };

    private object RiskOptions(IEnumerable<string> labels) => new
    {
        Chart = new { Type = "bar", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = true, BarHeight = "60%" } },
        Colors = new[] { "#b3261e" },
        Xaxis = new { Categories = labels.ToArray(), Title = new { Text = "Risk score" } },
        // Long cluster/namespace names are cut with "…" at this width; the tooltip names them in full.
        Yaxis = new { Labels = new { MaxWidth = 200 } },
        DataLabels = new { Enabled = true },
        Legend = new { Show = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private object HeatmapOptions => new
    {
        Chart = new { Type = "heatmap", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        Colors = new[] { "#c0392b" },
        Xaxis = ChartAxes.WrappedCategories(FindingLabels.Categories.Select(c => c.Label())),
        DataLabels = new { Enabled = true, Style = new { Colors = new[] { "#1b1f24" } } },
        Legend = new { Show = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private object OwaspOptions => new
    {
        Chart = new { Type = "bar", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = true, BarHeight = "60%" } },
        Colors = new[] { "#1565c0" },
        Xaxis = ChartAxes.CountWithCategories(LandscapeQueries.OwaspTop10.Select(o => $"{o.Id} {o.Name}"), "Open findings"),
        Yaxis = new { Labels = new { MaxWidth = 320 } },
        DataLabels = new { Enabled = false },
        Legend = new { Show = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private object RegistryOptions => new
    {
        Chart = new { Type = "bar", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = true, Distributed = true, BarHeight = "60%" } },
        Colors = _summary!.Registries.Select(r => r.Allowed ? "#2e7d32" : "#c62828").ToArray(),
        Xaxis = ChartAxes.CountWithCategories(_summary.Registries.Select(r => r.Allowed ? r.Registry + " (allowed)" : r.Registry + " (not allowed)"), "Running images"),
        Yaxis = new { Labels = new { MaxWidth = 200 } },
        DataLabels = new { Enabled = true },
        Legend = new { Show = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private object IocOptions => new
    {
        Chart = new { Type = "bar", Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = true } },
        Xaxis = ChartAxes.CountWithCategories(_summary!.Runtime.ByIocClass.Select(i => i.IocClass), "Alerts"),
        Yaxis = new { Labels = new { MaxWidth = 200 } },
        Legend = new { Show = false },
    };

    private void OpenFindingsOf(ChartPointSelection selection)
    {
        if (selection.SeriesIndex < 0 || selection.SeriesIndex >= FindingLabels.SeveritiesWorstFirst.Count
            || selection.DataPointIndex < 0 || selection.DataPointIndex >= FindingLabels.Categories.Count)
        {
            return;
        }
        Navigation.NavigateTo(Filter.FindingsLink(FindingLabels.Categories[selection.DataPointIndex], FindingLabels.SeveritiesWorstFirst[selection.SeriesIndex]));
    }

    private void OpenTrendPoint(ChartPointSelection selection)
    {
        if (selection.SeriesIndex >= 0 && selection.SeriesIndex < _trendSeverities.Count)
        {
            Navigation.NavigateTo(Filter.FindingsLink(severity: _trendSeverities[selection.SeriesIndex]));
        }
    }

    private void OpenRiskCluster(ChartPointSelection selection)
    {
        if (_summary is { } s && selection.DataPointIndex >= 0 && selection.DataPointIndex < s.RiskiestClusters.Count)
        {
            Navigation.NavigateTo(ClusterLink(s.RiskiestClusters[selection.DataPointIndex].Cluster));
        }
    }

    private void OpenRiskNamespace(ChartPointSelection selection)
    {
        if (_summary is { } s && selection.DataPointIndex >= 0 && selection.DataPointIndex < s.RiskiestNamespaces.Count)
        {
            var row = s.RiskiestNamespaces[selection.DataPointIndex];
            Navigation.NavigateTo(Filter.FindingsLink(extra: [("cluster", row.Cluster), ("namespace", row.Namespace)]));
        }
    }

    private void OpenHeatCell(ChartPointSelection selection)
    {
        var rows = _heatTeams.Count + (_heatHasUnowned ? 1 : 0);
        if (selection.SeriesIndex < 0 || selection.SeriesIndex >= rows || selection.DataPointIndex < 0 || selection.DataPointIndex >= FindingLabels.Categories.Count)
        {
            return;
        }
        // Series are bottom-up: the last series is the first team; with an unowned row, series 0 is that row.
        var fromTop = rows - 1 - selection.SeriesIndex;
        var category = FindingLabels.Categories[selection.DataPointIndex];
        Navigation.NavigateTo(fromTop < _heatTeams.Count
            ? Filter.FindingsLink(category, extra: [("team", _heatTeams[fromTop])])
            : Filter.FindingsLink(category, extra: [("owner", FindingsQueryString.UnownedOwner)]));
    }

    private void OpenOwasp(ChartPointSelection selection)
    {
        if (selection.DataPointIndex >= 0 && selection.DataPointIndex < LandscapeQueries.OwaspTop10.Count)
        {
            Navigation.NavigateTo(Filter.FindingsLink(extra: [("owasp", LandscapeQueries.OwaspTop10[selection.DataPointIndex].Id)]));
        }
    }

    private void OpenRegistry(ChartPointSelection selection)
    {
        if (_summary is { } s && selection.DataPointIndex >= 0 && selection.DataPointIndex < s.Registries.Count)
        {
            Navigation.NavigateTo(Filter.FindingsLink(extra: [("registry", s.Registries[selection.DataPointIndex].Registry)]));
        }
    }

    private string ClusterLink(string cluster) =>
        "/clusters/" + Uri.EscapeDataString(cluster) + (Filter with { Cluster = null, Environment = null }).ToQueryString();

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
