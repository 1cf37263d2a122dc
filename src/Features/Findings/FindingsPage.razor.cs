using K8Posture.Shared.Http;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.Features.Remediation;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Findings;

public sealed partial class FindingsPage
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private const string ColumnVulnerability = "Vulnerability / rule";
    private const string ColumnPackage = "Package";
    private const string ColumnImage = "Image or resource";
    private const string ColumnCluster = "Cluster";
    private const string ColumnTeam = "Owner team";
    private const string ColumnStatus = "Status";
    private const string ColumnFirstSeen = "First seen";
    private const string ColumnLastSeen = "Last seen";
    private static readonly string[] OptionalColumns = [ColumnVulnerability, ColumnPackage, ColumnImage, ColumnCluster, ColumnTeam, ColumnStatus, ColumnFirstSeen, ColumnLastSeen];

    private FindingsCriteria _criteria = new();
    private MudDataGrid<FindingRow>? _grid;
    private K8Posture.Shared.Telemetry.PageDataShown? _rowsShown;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(TimeSpan.FromMilliseconds(100));
    private readonly HashSet<string> _hidden = [ColumnVulnerability, ColumnPackage];
    private FilterChoices _choices = new([], [], [], []);
    private IReadOnlyList<SavedViewRow> _views = [];
    private string? _newViewName;
    private bool _shareNewView;
    private bool _maySharePublicly;
    private string? _viewMessage;
    private bool _drawerOpen;
    private FindingDetail? _detail;
    private System.Security.Claims.ClaimsPrincipal? _user;
    private bool _mayWork;
    private HashSet<FindingRow> _selected = [];
    private IReadOnlyList<long> _selectedIds = [];

    [Inject] private FindingsQuery Findings { get; set; } = default!;
    [Inject] private FindingDetails Details { get; set; } = default!;
    [Inject] private SavedViewService SavedViews { get; set; } = default!;
    [Inject] private LandscapeQueries Landscape { get; set; } = default!;
    [Inject] private LandscapeChangeNotifier ChangeNotifier { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The finding named by the URL (<c>?finding=</c>), opened in the drawer.</summary>
    private long? FindingParameter =>
        long.TryParse(QueryValue("finding"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    protected override async Task OnInitializedAsync()
    {
        _subscription = ChangeNotifier.Subscribe(OnFindingsChangedAsync);
        if (AuthenticationState is not null)
        {
            _user = (await AuthenticationState).User;
            _mayWork = RemediationAccess.MayWork(_user);
            _maySharePublicly = _user.IsInRole(Roles.SecurityAdmin) || _user.IsInRole(Roles.SecurityAnalyst);
        }
        _choices = await Landscape.GetFilterChoicesAsync(_refresh.DisposedToken);
        _views = await SavedViews.ListAsync(_refresh.DisposedToken);
    }

    protected override async Task OnParametersSetAsync()
    {
        // A value that does not parse (an old or hand-edited link) is ignored rather than failing the page.
        var fromUrl = FindingsQueryString.FromQuery(QueryString) with { SortBy = _criteria.SortBy, Descending = _criteria.Descending };
        if (fromUrl != _criteria)
        {
            _criteria = fromUrl;
            await ReloadFromFirstPageAsync();
        }
        if (FindingParameter is { } findingId && _detail?.Finding.Id != findingId)
        {
            _detail = await Details.GetAsync(findingId, _refresh.DisposedToken);
            _drawerOpen = _detail is not null;
        }
    }

    /// <summary>The filters without their own control, shown as removable chips.</summary>
    private IEnumerable<(string Label, FindingsCriteria Clear)> ExtraFilters
    {
        get
        {
            if (_criteria.BusinessUnit is { } bu) yield return ($"Business unit: {bu}", _criteria with { BusinessUnit = null });
            if (_criteria.Environment is { } env) yield return ($"Environment: {env}", _criteria with { Environment = null });
            if (_criteria.Namespace is { } ns) yield return ($"Namespace: {ns}", _criteria with { Namespace = null });
            if (_criteria.Owasp is { } owasp) yield return ($"OWASP: {owasp}", _criteria with { Owasp = null });
            if (_criteria.Rules is { } rules) yield return ($"Rules: {rules}", _criteria with { Rules = null });
            if (_criteria.Registry is { } registry) yield return ($"Registry: {registry}", _criteria with { Registry = null });
            if (_criteria.VulnerabilityId is { } cve) yield return ($"Vulnerability: {cve}", _criteria with { VulnerabilityId = null });
            if (_criteria.Owner is not null) yield return ("Owner team: none (unowned)", _criteria with { Owner = null });
            if (_criteria.Verdict is { } verdict) yield return (verdict == FindingResolution.None ? "Verdict: none (open work)" : $"Verdict: {verdict}", _criteria with { Verdict = null });
        }
    }

    private void OnSelectionChanged(HashSet<FindingRow> selected)
    {
        _selected = selected;
        _selectedIds = selected.Select(r => r.Id).Order().ToList();
    }

    private void ClearSelection() => OnSelectionChanged([]);

    private async Task<GridData<FindingRow>> LoadPageAsync(GridState<FindingRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var criteria = sort is null
            ? _criteria with { SortBy = FindingSortField.Severity, Descending = true }
            : _criteria with { SortBy = SortFieldOf(sort.SortBy), Descending = sort.Descending };
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _refresh.DisposedToken);
        var page = await Findings.ListAsync(criteria, state.Page, state.PageSize, linked.Token);
        _ = _rowsShown?.ShowAsync(page);
        return new GridData<FindingRow> { Items = page.Items, TotalItems = page.Total };
    }

    private static FindingSortField SortFieldOf(string column) => column switch
    {
        nameof(FindingRow.Title) => FindingSortField.Title,
        nameof(FindingRow.FirstSeenAt) => FindingSortField.FirstSeen,
        nameof(FindingRow.LastSeenAt) => FindingSortField.LastSeen,
        nameof(FindingRow.ClusterName) => FindingSortField.Cluster,
        nameof(FindingRow.Status) => FindingSortField.Status,
        _ => FindingSortField.Severity,
    };

    private Task OnCategoryChangedAsync(FindingCategory? category) => ApplyAsync(_criteria with { Category = category });

    private Task OnSeverityChangedAsync(FindingSeverity? severity) => ApplyAsync(_criteria with { Severity = severity });

    private Task OnStatusChangedAsync(FindingStatus? status) => ApplyAsync(_criteria with { Status = status });

    private Task OnSearchChangedAsync(string? search) =>
        ApplyAsync(_criteria with { Search = string.IsNullOrWhiteSpace(search) ? null : search.Trim() });

    private async Task ApplyAsync(FindingsCriteria criteria)
    {
        if (criteria == _criteria)
        {
            return;
        }
        _criteria = criteria;
        // The URL carries the filters so a link (or the landscape chart) opens the same list.
        Navigation.NavigateTo(FindingsQueryString.ToPageUrl(criteria with { SortBy = FindingSortField.Severity, Descending = true }), replace: true);
        await ReloadFromFirstPageAsync();
    }

    private async Task ReloadFromFirstPageAsync()
    {
        if (_grid is null)
        {
            return;
        }
        // Page 4 of the old filters may not exist under the new ones.
        if (_grid.CurrentPage != 0)
        {
            _grid.NavigateTo(MudBlazor.Page.First);
        }
        await _grid.ReloadServerData();
    }

    private void ToggleColumn(string column)
    {
        if (!_hidden.Remove(column))
        {
            _hidden.Add(column);
        }
    }

    private async Task OnRowClick(DataGridRowClickEventArgs<FindingRow> args)
    {
        _detail = await Details.GetAsync(args.Item.Id, _refresh.DisposedToken);
        _drawerOpen = _detail is not null;
    }

    /// <summary>Status, assignee, comments, risk acceptance: the remediation dialog, which checks who may do what.</summary>
    private async Task OpenRemediationAsync(long findingId)
    {
        var dialog = await Dialogs.ShowAsync<FindingRemediationDialog>($"Finding #{findingId}",
            new DialogParameters<FindingRemediationDialog> { { x => x.FindingId, findingId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: true })
        {
            _detail = await Details.GetAsync(findingId, _refresh.DisposedToken);
            if (_grid is not null)
            {
                await _grid.ReloadServerData();
            }
        }
    }

    private void OpenView(SavedViewRow view) =>
        Navigation.NavigateTo("/findings" + (string.IsNullOrEmpty(view.QueryString) ? "" : "?" + view.QueryString));

    private async Task SaveViewAsync()
    {
        if (_user is null)
        {
            return;
        }
        var url = FindingsQueryString.ToPageUrl(_criteria with { SortBy = FindingSortField.Severity, Descending = true });
        var query = url.Contains('?', StringComparison.Ordinal) ? url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        try
        {
            var saved = await SavedViews.SaveAsync(_user, _newViewName, query, _shareNewView, _refresh.DisposedToken);
            _viewMessage = $"Saved \"{saved.Name}\".";
            _newViewName = null;
            _shareNewView = false;
            _views = await SavedViews.ListAsync(_refresh.DisposedToken);
        }
        catch (ProblemException ex)
        {
            _viewMessage = ex.Message;
        }
    }

    private async Task DeleteViewAsync(SavedViewRow view)
    {
        if (await SavedViews.DeleteAsync(view.Id, _refresh.DisposedToken))
        {
            _viewMessage = $"Deleted \"{view.Name}\".";
        }
        _views = await SavedViews.ListAsync(_refresh.DisposedToken);
    }

    /// <summary>The filter is on the scanner's state; "Closed by scan" is the status word of a closed finding.</summary>
    private static string StatusLabel(FindingStatus? status) => status switch
    {
        FindingStatus.Open => "Still reported",
        FindingStatus.Closed => RemediationStatus.ClosedByScan.Label(),
        _ => "Any",
    };

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary>Only http(s) links are rendered as links; a report could carry "javascript:" in a URL field.</summary>
    private static string? SafeLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? url : null;

    private static string? ImageOrResource(FindingRow row)
    {
        if (row.ImageRepository is not null)
        {
            return row.ImageTag is null ? row.ImageRepository : $"{row.ImageRepository}:{row.ImageTag}";
        }
        if (row.ResourceName is null)
        {
            return null;
        }
        var kind = row.ResourceKind is null ? "" : row.ResourceKind + "/";
        var ns = row.NamespaceName is null ? "" : row.NamespaceName + "/";
        return ns + kind + row.ResourceName;
    }

    private Task OnFindingsChangedAsync() => _refresh.DebounceAsync(() => InvokeAsync(async () =>
    {
        if (_grid is not null && !_refresh.IsDisposed)
        {
            await _grid.ReloadServerData();
        }
    }));

    protected override void DisposePage()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
