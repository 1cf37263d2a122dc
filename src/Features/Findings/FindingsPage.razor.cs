using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace K8Posture.Features.Findings;

public sealed partial class FindingsPage : ComponentBase, IDisposable
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private FindingsCriteria _criteria = new();
    private MudDataGrid<FindingRow>? _grid;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(RefreshDebouncer.DefaultDelay);

    [Inject] private FindingsQuery Findings { get; set; } = default!;
    [Inject] private LandscapeChangeNotifier ChangeNotifier { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "category")] public string? CategoryParameter { get; set; }
    [SupplyParameterFromQuery(Name = "severity")] public string? SeverityParameter { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? StatusParameter { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? SearchParameter { get; set; }

    protected override void OnInitialized() => _subscription = ChangeNotifier.Subscribe(OnFindingsChangedAsync);

    protected override async Task OnParametersSetAsync()
    {
        // A value that does not parse (an old or hand-edited link) is ignored rather than failing the page.
        FindingsQueryString.TryParseEnum<FindingCategory>(CategoryParameter, out var category);
        FindingsQueryString.TryParseEnum<FindingSeverity>(SeverityParameter, out var severity);
        if (!FindingsQueryString.TryParseStatus(StatusParameter, out var status))
        {
            status = FindingStatus.Open;
        }
        var fromUrl = _criteria with
        {
            Category = category,
            Severity = severity,
            Status = status,
            Search = string.IsNullOrWhiteSpace(SearchParameter) ? null : SearchParameter.Trim(),
        };
        if (fromUrl != _criteria)
        {
            _criteria = fromUrl;
            await ReloadFromFirstPageAsync();
        }
    }

    private async Task<GridData<FindingRow>> LoadPageAsync(GridState<FindingRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var criteria = sort is null
            ? _criteria with { SortBy = FindingSortField.Severity, Descending = true }
            : _criteria with { SortBy = SortFieldOf(sort.SortBy), Descending = sort.Descending };
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _refresh.DisposedToken);
        var page = await Findings.ListAsync(criteria, state.Page, state.PageSize, linked.Token);
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
        Navigation.NavigateTo(FindingsQueryString.ToPageUrl(criteria), replace: true);
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

    private static string StatusLabel(FindingStatus? status) => status?.ToString() ?? "Any";

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

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
