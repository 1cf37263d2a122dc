using K8Posture.Shared.Http;
using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Alerts;

public sealed partial class AlertsPage : ComponentBase, IDisposable
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private AlertsCriteria _criteria = new();
    private int _rangeHours = 24;
    private MudDataGrid<AlertRow>? _grid;
    private ApexChart? _chart;
    private IReadOnlyList<ChartSeries> _series = [];
    private string[] _hourLabels = [];
    private IReadOnlyList<string> _sources = [];
    private IReadOnlyList<SuppressionUsage> _suppressions = [];
    private int _total;
    private bool _canTriage;
    private bool _canEditSuppressions;
    private AlertSuppression _newSuppression = new();
    private ClaimsPrincipal _user = new();
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(TimeSpan.FromMilliseconds(100));

    [Inject] private AlertsQuery Alerts { get; set; } = default!;
    [Inject] private AlertTriageService Triage { get; set; } = default!;
    [Inject] private AlertSuppressionService Suppressions { get; set; } = default!;
    [Inject] private PolicyStore Policy { get; set; } = default!;
    [Inject] private AlertsChangeNotifier ChangeNotifier { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [CascadingParameter(Name = "DarkMode")] private bool DarkMode { get; set; }

    private object ChartOptions => new
    {
        Chart = new { Type = "bar", Stacked = true, Toolbar = new { Show = false }, FontFamily = "inherit", Background = "transparent", Animations = new { Enabled = false } },
        Theme = new { Mode = DarkMode ? "dark" : "light" },
        Colors = IocLabels.Classes.Select(c => c.Colour()).ToArray(),
        Xaxis = new { Categories = _hourLabels, TickAmount = Math.Min(12, Math.Max(1, _hourLabels.Length)), Labels = new { RotateAlways = false, HideOverlappingLabels = true } },
        Yaxis = ChartAxes.Count("Alerts"),
        Legend = new { Position = "top" },
        DataLabels = new { Enabled = false },
        PlotOptions = new { Bar = new { ColumnWidth = "80%" } },
    };

    private string TimelineCaption => _rangeHours switch
    {
        0 or > 168 => "last 7 days",
        1 => "last hour",
        var h => $"last {h} hours",
    };

    protected override async Task OnInitializedAsync()
    {
        _subscription = ChangeNotifier.Subscribe(OnAlertsChangedAsync);
        if (AuthenticationState is not null)
        {
            _user = (await AuthenticationState).User;
            _canTriage = await Triage.CanTriageAsync(_user);
            _canEditSuppressions = _user.IsInRole(K8Posture.Security.Roles.SecurityAdmin);
        }
        _criteria = _criteria with { From = Clock.GetUtcNow().AddHours(-_rangeHours) };
        await LoadSideAsync();
    }

    private async Task LoadSideAsync()
    {
        var token = _refresh.DisposedToken;
        _sources = await Alerts.SourcesAsync(token);
        var policy = await Policy.GetCurrentAsync(token);
        _suppressions = await Alerts.SuppressionUsageAsync(policy.Document.AlertSuppressions, token);
        var now = Clock.GetUtcNow();
        var hours = _rangeHours is 0 or > 168 ? 168 : _rangeHours;
        var timeline = await Alerts.TimelineAsync(_criteria with { From = null, To = null }, now.AddHours(-hours), now, token);
        _hourLabels = timeline.Hours.Select(h => h.ToString(hours > 24 ? "MM-dd HH:00" : "HH:00", CultureInfo.InvariantCulture)).ToArray();
        _series = IocLabels.Classes.Select(c => new ChartSeries(c.Label(), timeline.CountsByClass[c].Select(v => (double?)v).ToList())).ToList();
    }

    private async Task<GridData<AlertRow>> LoadPageAsync(GridState<AlertRow> state, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _refresh.DisposedToken);
        var page = await Alerts.ListAsync(_criteria, state.Page, state.PageSize, linked.Token);
        if (_total != page.Total)
        {
            _total = page.Total;
            _ = InvokeAsync(StateHasChanged);
        }
        return new GridData<AlertRow> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task ApplyAsync(AlertsCriteria criteria)
    {
        _criteria = criteria;
        await ReloadAsync();
    }

    private Task OnRangeChangedAsync(int hours)
    {
        _rangeHours = hours;
        return ApplyAsync(_criteria with { From = hours == 0 ? null : Clock.GetUtcNow().AddHours(-hours) });
    }

    private async Task AddSuppressionAsync()
    {
        try
        {
            var hidden = await Suppressions.AddAsync(_user, _newSuppression, _refresh.DisposedToken);
            Snackbar.Add($"Suppression added to the policy; it hides {hidden} stored alert(s).", MudBlazor.Severity.Success);
            _newSuppression = new AlertSuppression();
            await ReloadAsync();
        }
        catch (ProblemException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task RemoveSuppressionAsync(string key)
    {
        try
        {
            var shown = await Suppressions.RemoveAsync(_user, key, _refresh.DisposedToken);
            Snackbar.Add($"Suppression removed from the policy; {shown} alert(s) re-judged.", MudBlazor.Severity.Info);
            await ReloadAsync();
        }
        catch (ProblemException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task ReloadAsync()
    {
        // The list first: a new alert is what the person waits for; the chart and counts follow.
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
        await LoadSideAsync();
        if (_chart is not null)
        {
            await _chart.UpdateOptionsAsync(new { Xaxis = new { Categories = _hourLabels } });
            await _chart.UpdateSeriesAsync(_series);
        }
        StateHasChanged();
    }

    private Task OnAlertsChangedAsync() => _refresh.DebounceAsync(() => InvokeAsync(async () =>
    {
        if (_refresh.IsDisposed)
        {
            return;
        }
        // A rolling window: "last 24 hours" moves with the clock, so a just-pushed alert is inside it.
        if (_rangeHours != 0)
        {
            _criteria = _criteria with { From = Clock.GetUtcNow().AddHours(-_rangeHours) };
        }
        await ReloadAsync();
    }));

    private async Task TriageAsync(AlertRow alert, AlertTriageState state)
    {
        try
        {
            await Triage.SetStateAsync(_user, alert.Id, state, null, _refresh.DisposedToken);
            Snackbar.Add($"Alert {alert.Id}: {state.Label()}", Severity.Success);
        }
        catch (ProblemException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Where(AlertRow alert)
    {
        var parts = new[] { alert.NamespaceName, alert.Workload ?? alert.Pod, alert.Workload is null ? alert.Container : alert.Pod }.Where(p => !string.IsNullOrEmpty(p));
        return string.Join(" / ", parts);
    }

    private static string? Short(string? text) => text is { Length: > 80 } ? text[..80] + "…" : text;

    private static string Describe(AlertSuppression suppression)
    {
        var parts = new List<string> { string.IsNullOrWhiteSpace(suppression.RuleId) || suppression.RuleId == "*" ? "any rule" : $"rule \"{suppression.RuleId}\"" };
        if (!string.IsNullOrWhiteSpace(suppression.Image)) parts.Add("image " + suppression.Image);
        if (!string.IsNullOrWhiteSpace(suppression.Namespace)) parts.Add("namespace " + suppression.Namespace);
        if (!string.IsNullOrWhiteSpace(suppression.Cluster)) parts.Add("cluster " + suppression.Cluster);
        if (!string.IsNullOrWhiteSpace(suppression.Process)) parts.Add("process " + suppression.Process);
        return string.Join(", ", parts);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
