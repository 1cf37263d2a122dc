using K8Posture.Data;
using K8Posture.Security;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace K8Posture.Features.Landscape;

public sealed partial class LandscapePage : ComponentBase, IDisposable
{
    private object ChartOptions => new
    {
        Chart = new { Type = "bar", Stacked = true, Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = ChartTheme(DarkMode),
        PlotOptions = new { Bar = new { Horizontal = false, ColumnWidth = "55%" } },
        Colors = FindingLabels.SeveritiesWorstFirst.Select(s => s.Colour()).ToArray(),
        Xaxis = new { Categories = FindingLabels.Categories.Select(c => c.Label()).ToArray() },
        Yaxis = new { Title = new { Text = "Open findings" }, ForceNiceScale = true },
        Legend = new { Position = "top" },
        DataLabels = new { Enabled = false },
        States = new { Active = new { Filter = new { Type = "none" } } },
    };

    private LandscapeSummary? _summary;
    private IReadOnlyList<ChartSeries> _series = [];
    private ApexChart? _chart;
    private string? _teamScopeLabel;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(RefreshDebouncer.DefaultDelay);

    [Inject] private LandscapeQueries Queries { get; set; } = default!;
    [Inject] private LandscapeChangeNotifier ChangeNotifier { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The layout's light/dark choice; the chart follows it.</summary>
    [CascadingParameter(Name = "DarkMode")] private bool DarkMode { get; set; }

    private bool _chartDarkMode;

    private static object ChartTheme(bool dark) => new { Mode = dark ? "dark" : "light" };

    protected override async Task OnParametersSetAsync()
    {
        if (_chart is not null && _chartDarkMode != DarkMode)
        {
            _chartDarkMode = DarkMode;
            await _chart.UpdateOptionsAsync(new { Theme = ChartTheme(DarkMode) });
        }
    }

    private string PushExample =>
        $"curl -X POST \"{Navigation.BaseUri}api/v1/ingest/scans?cluster=my-cluster\" \\\n" +
        "  -H \"Authorization: Bearer k8p_…\" \\\n" +
        "  -H \"Content-Type: application/json\" \\\n" +
        "  --data-binary @trivy-report.json";

    protected override async Task OnInitializedAsync()
    {
        _chartDarkMode = DarkMode;
        _subscription = ChangeNotifier.Subscribe(OnFindingsChangedAsync);
        if (AuthenticationState is not null)
        {
            var user = (await AuthenticationState).User;
            if (!user.SeesAllTeams())
            {
                var names = await Queries.GetTeamNamesAsync(user.TeamIds(), _refresh.DisposedToken);
                _teamScopeLabel = names.Count switch
                {
                    0 => "You are not a member of any team yet, so there is nothing to show",
                    1 => $"Showing team {names[0]}",
                    _ => $"Showing teams {string.Join(", ", names)}",
                };
            }
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _summary = await Queries.GetSummaryAsync(_refresh.DisposedToken);
        _series = LandscapeQueries.ToChartSeries(_summary);
    }

    private Task OnFindingsChangedAsync() => _refresh.DebounceAsync(() => InvokeAsync(RefreshAsync));

    private async Task RefreshAsync()
    {
        if (_refresh.IsDisposed)
        {
            return;
        }
        await LoadAsync();
        if (_chart is not null && !_summary!.IsEmpty)
        {
            await _chart.UpdateSeriesAsync(_series);
        }
        StateHasChanged();
    }

    private void OpenFindingsOf(ChartPointSelection selection)
    {
        if (selection.SeriesIndex < 0 || selection.SeriesIndex >= FindingLabels.SeveritiesWorstFirst.Count
            || selection.DataPointIndex < 0 || selection.DataPointIndex >= FindingLabels.Categories.Count)
        {
            return;
        }
        Navigation.NavigateTo(FindingsLink(FindingLabels.Categories[selection.DataPointIndex], FindingLabels.SeveritiesWorstFirst[selection.SeriesIndex]));
    }

    internal static string FindingsLink(FindingCategory? category, FindingSeverity? severity)
    {
        var query = new List<string>();
        if (category is { } c)
        {
            query.Add($"category={c}");
        }
        if (severity is { } s)
        {
            query.Add($"severity={s}");
        }
        return query.Count == 0 ? "/findings" : "/findings?" + string.Join('&', query);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
