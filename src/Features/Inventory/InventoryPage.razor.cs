using K8Posture.Features.Clusters;
using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.AspNetCore.Components;

namespace K8Posture.Features.Inventory;

public sealed partial class InventoryPage
{
    private InventoryOverview? _overview;
    private IReadOnlyList<ChartSeries> _series = [];
    private IReadOnlyList<string> _categories = [];
    private ApexChart? _chart;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(RefreshDebouncer.DefaultDelay);

    [Inject] private InventoryQueries Queries { get; set; } = default!;
    [Inject] private InventoryChangeNotifier ChangeNotifier { get; set; } = default!;

    [CascadingParameter(Name = "DarkMode")] private bool DarkMode { get; set; }

    private int Count(ClusterStateKind kind) => _overview?.Clusters.Count(c => c.State.Kind == kind) ?? 0;
    private int DiscoveredCount => Count(ClusterStateKind.Discovered);
    private long DockerHubPulls => _overview?.DockerHub.ByTeam.Sum(t => t.Pulls.Sum()) ?? 0;

    private sealed record AccountNode(string Provider, string Account, IReadOnlyList<NetworkNode> Networks);
    private sealed record NetworkNode(string Vpc, IReadOnlyList<InventoryClusterRow> Clusters);

    private IReadOnlyList<AccountNode> AccountTree => _overview is null ? [] : _overview.Clusters
        .GroupBy(c => (Provider: ProviderLabel(c.Provider), Account: c.CloudAccount ?? "(account unknown)"))
        .OrderBy(g => g.Key.Provider).ThenBy(g => g.Key.Account, StringComparer.OrdinalIgnoreCase)
        .Select(g => new AccountNode(g.Key.Provider, g.Key.Account, g
            .GroupBy(c => c.Vpc ?? "(network unknown)")
            .OrderBy(n => n.Key, StringComparer.OrdinalIgnoreCase)
            .Select(n => new NetworkNode(n.Key, n.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList()))
            .ToList()))
        .ToList();

    private object ChartOptions => new
    {
        Chart = new { Type = "bar", Stacked = true, Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent" },
        Theme = new { Mode = DarkMode ? "dark" : "light" },
        Xaxis = new { Categories = _categories },
        Yaxis = ChartAxes.Count("Pulls"),
        Legend = new { Position = "top" },
        DataLabels = new { Enabled = false },
    };

    protected override async Task OnInitializedAsync()
    {
        _subscription = ChangeNotifier.Subscribe(OnInventoryChangedAsync);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _overview = await Queries.OverviewAsync(_refresh.DisposedToken);
        _categories = _overview.DockerHub.Days.Select(d => d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        _series = _overview.DockerHub.ByTeam.Select(t => new ChartSeries(t.Team, t.Pulls.Select(p => (double?)p).ToList())).ToList();
    }

    private Task OnInventoryChangedAsync() => _refresh.DebounceAsync(() => InvokeAsync(RefreshAsync));

    private async Task RefreshAsync()
    {
        if (_refresh.IsDisposed)
        {
            return;
        }
        await LoadAsync();
        if (_chart is not null)
        {
            await _chart.UpdateOptionsAsync(new { Xaxis = new { Categories = _categories } });
            await _chart.UpdateSeriesAsync(_series);
        }
        StateHasChanged();
    }

    private static string ProviderLabel(ClusterProvider provider) => provider.Label();

    private static string Day(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "—";

    private static string ExposureLink(string clusterName) =>
        $"/findings?category={FindingCategory.CloudIamVpcMisconfiguration}&q={Uri.EscapeDataString(clusterName)}";

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
