using K8Posture.Data;
using K8Posture.Security;
using K8Posture.Shared;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Remediation;

public sealed partial class RemediationPage
{
    [Inject] private RemediationQueries Queries { get; set; } = default!;
    [Inject] private RemediationService Remediation { get; set; } = default!;
    [Inject] private RiskAcceptanceService Acceptances { get; set; } = default!;
    [Inject] private Tickets.TicketPlanner TicketPlanner { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private LandscapeChangeNotifier ChangeNotifier { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private IReadOnlyList<(int Id, string Name)> _teams = [];
    private int? _teamId;
    private IReadOnlyDictionary<long, Tickets.LinkedTicketDto> _workTickets = new Dictionary<long, Tickets.LinkedTicketDto>();
    private int _tab;

    /// <summary>?tab=metrics (or queue, work, acceptances) opens that tab, so a figure can be linked to.</summary>
    private string? TabParameter => QueryValue("tab");

    private static readonly string[] TabNames = ["queue", "work", "acceptances", "metrics"];
    private bool _seesAll;
    private bool _mayWork;
    private bool _isSecurity;
    private TeamQueue? _queue;
    private RemediationStatus? _status;
    private bool _overdueOnly;
    private string? _search;
    private HashSet<WorkItem> _selected = [];
    private string? _bulkAssignee;
    private string? _bulkComment;
    private MudDataGrid<WorkItem>? _grid;
    private RiskAcceptanceList? _acceptanceList;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(RefreshDebouncer.DefaultDelay);

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState!).User;
        _seesAll = user.SeesAllTeams();
        if (TabParameter is { } tab && Array.FindIndex(TabNames, name => string.Equals(name, tab, StringComparison.OrdinalIgnoreCase)) is >= 0 and var index)
        {
            _tab = index;
        }
        _isSecurity = RemediationAccess.IsSecurityTeam(user);
        _mayWork = RemediationAccess.MayWork(user);
        _teams = await Queries.VisibleTeamsAsync(CancellationToken.None);
        // An app-team member lands on their own team's queue.
        if (!_seesAll && _teams.Count > 0)
        {
            _teamId = _teams[0].Id;
        }
        await LoadQueueAsync();
        _subscription = ChangeNotifier.Subscribe(OnFindingsChangedAsync);
    }

    private QueueSection? _overdueSection;
    private QueueSection? _dueSoonSection;
    private QueueSection? _reopenedSection;

    private async Task LoadQueueAsync()
    {
        _queue = await Queries.QueueAsync(_teamId, CancellationToken.None);
        foreach (var section in new[] { _overdueSection, _dueSoonSection, _reopenedSection })
        {
            if (section is not null)
            {
                await section.ReloadAsync();
            }
        }
    }

    private Task<(IReadOnlyList<WorkItem> Items, int Total)> LoadOverdueAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        Queries.QueueSectionAsync(_teamId, QueueSectionKind.Overdue, page, pageSize, cancellationToken, _queue?.OverdueTotal);

    private Task<(IReadOnlyList<WorkItem> Items, int Total)> LoadDueSoonAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        Queries.QueueSectionAsync(_teamId, QueueSectionKind.DueSoon, page, pageSize, cancellationToken, _queue?.DueSoonTotal);

    private Task<(IReadOnlyList<WorkItem> Items, int Total)> LoadReopenedAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        var reopened = _queue?.RecentlyReopened ?? [];
        return Task.FromResult<(IReadOnlyList<WorkItem>, int)>((reopened.Skip(page * pageSize).Take(pageSize).ToList(), reopened.Count));
    }

    private Task OnFindingsChangedAsync() => _refresh.DebounceAsync(() => InvokeAsync(async () =>
    {
        await LoadQueueAsync();
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
        StateHasChanged();
    }));

    private async Task OnTeamChangedAsync(int? teamId)
    {
        _teamId = teamId;
        _selected = [];
        foreach (var section in new[] { _overdueSection, _dueSoonSection, _reopenedSection })
        {
            section?.GoToFirstPage();
        }
        await LoadQueueAsync();
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private async Task<GridData<WorkItem>> LoadWorkAsync(GridState<WorkItem> state, CancellationToken cancellationToken)
    {
        var (items, total) = await Queries.WorkListAsync(new WorkListCriteria(_teamId, _status, _search, _overdueOnly), state.Page, state.PageSize, cancellationToken);
        _workTickets = await TicketPlanner.ForFindingsAsync(items.Select(i => i.Id).ToList(), cancellationToken);
        return new GridData<WorkItem> { Items = items, TotalItems = total };
    }

    private async Task ReloadWorkAsync()
    {
        _selected = [];
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private Task OnStatusChangedAsync(RemediationStatus? status)
    {
        _status = status;
        return ReloadWorkAsync();
    }

    private Task OnOverdueOnlyChangedAsync(bool on)
    {
        _overdueOnly = on;
        return ReloadWorkAsync();
    }

    private Task OnSearchChangedAsync(string? search)
    {
        _search = search;
        return ReloadWorkAsync();
    }

    private void OnSelectionChanged(HashSet<WorkItem> items) => _selected = items;

    private async Task BulkAsync(RemediationAction action)
    {
        try
        {
            var user = (await AuthenticationState!).User;
            var result = await Remediation.ApplyAsync(user, new RemediationCommand(_selected.Select(s => s.Id).ToList(), action, _bulkAssignee, _bulkComment), CancellationToken.None);
            Snackbar.Add($"{result.Changed} finding(s) changed, {result.Unchanged} already so.", MudBlazor.Severity.Success);
            _bulkComment = null;
            await ReloadWorkAsync();
            await LoadQueueAsync();
        }
        catch (ProblemException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
        }
    }

    private async Task BulkRequestAcceptanceAsync()
    {
        // One request per selected finding (same reason and expiry): each is decided, covered and expires on its own.
        var worst = _selected.OrderByDescending(s => s.Severity).First();
        var dialog = await Dialogs.ShowAsync<RiskAcceptanceRequestDialog>("Request risk acceptance", new DialogParameters<RiskAcceptanceRequestDialog>
        {
            { x => x.FindingIds, _selected.Select(s => s.Id).ToList() },
            { x => x.Title, _selected.Count == 1 ? worst.Title : $"{_selected.Count} selected findings" },
            { x => x.Severity, worst.Severity },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add($"Risk acceptance requested for {_selected.Count} finding(s).", MudBlazor.Severity.Success);
            await LoadQueueAsync();
        }
    }

    private async Task OpenFindingAsync(long id)
    {
        var dialog = await Dialogs.ShowAsync<FindingRemediationDialog>($"Finding #{id}", new DialogParameters<FindingRemediationDialog> { { x => x.FindingId, id } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: true })
        {
            await LoadQueueAsync();
            if (_grid is not null)
            {
                await _grid.ReloadServerData();
            }
            if (_acceptanceList is not null)
            {
                await _acceptanceList.ReloadAsync();
            }
        }
    }

    protected override void DisposePage()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
