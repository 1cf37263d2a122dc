using K8Posture.Data;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace K8Posture.Features.Packages;

public sealed partial class WhereIsItRunningPage
{
    private static readonly FindingSeverity[] WatchSeverities =
        [FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium, FindingSeverity.Low, FindingSeverity.Info];

    [Inject] private PackagesQuery Query { get; set; } = default!;
    [Inject] private PackageWatchService Watches { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The search the URL names (<c>?purl=…&amp;versionRange=…</c>), run once per change of the URL.</summary>
    private (string? Purl, string? Range) _searchInUrl;

    private string? _purl;
    private string? _range;
    private string? _error;
    private bool _searching;
    private PackageSearchResult? _result;
    private IReadOnlyList<PackageWatchView> _watches = [];
    private bool _mayManage;

    private string? _watchName;
    private FindingSeverity _watchSeverity = FindingSeverity.High;
    private string? _watchError;
    private string? _watchErrorField;
    private bool _savingWatch;
    private int? _confirmDeleteId;
    private bool _deletingWatch;

    protected override async Task OnInitializedAsync()
    {
        _mayManage = Watches.CallerMayManage;
        _watches = await Watches.ListAsync(CancellationToken.None);
    }

    protected override async Task OnParametersSetAsync()
    {
        // A watch's link is a navigation to this same page with another search.
        var inUrl = (QueryValue("purl"), QueryValue("versionRange"));
        if (inUrl == _searchInUrl)
        {
            return;
        }
        _searchInUrl = inUrl;
        if (!string.IsNullOrWhiteSpace(inUrl.Item1))
        {
            (_purl, _range) = inUrl;
            await SearchAsync();
        }
    }

    private static string SearchLink(string purl, string? range) =>
        "/packages?purl=" + Uri.EscapeDataString(purl) + (range is null ? "" : "&versionRange=" + Uri.EscapeDataString(range));

    private async Task SearchAsync()
    {
        _error = null;
        _watchError = null;
        _watchErrorField = null;
        _searching = true;
        try
        {
            _result = await Query.FindAsync(_purl, _range, CancellationToken.None);
        }
        catch (ProblemException problem)
        {
            _result = null;
            _error = problem.Detail;
        }
        finally
        {
            _searching = false;
        }
    }

    private async Task CreateWatchAsync()
    {
        if (_result is null)
        {
            return;
        }
        _watchError = null;
        _watchErrorField = null;
        _savingWatch = true;
        try
        {
            // The watch saves the query as searched (the result's purl and range), not whatever the search boxes hold since.
            var created = await Watches.CreateAsync(
                new PackageWatchRequest(_watchName, _result.Package, _result.VersionRange, _watchSeverity), CancellationToken.None);
            _watches = await Watches.ListAsync(CancellationToken.None);
            _watchName = null;
            Snackbar.Add($"Watch '{created.Name}' saved: {created.LastMatches} running match(es) now.", Severity.Success);
        }
        catch (ProblemException problem)
        {
            _watchError = problem.Detail;
            _watchErrorField = problem.Field;
        }
        finally
        {
            _savingWatch = false;
        }
    }

    private async Task DeleteWatchAsync(PackageWatchView watch)
    {
        _deletingWatch = true;
        try
        {
            var deleted = await Watches.DeleteAsync(watch.Id, CancellationToken.None);
            _watches = await Watches.ListAsync(CancellationToken.None);
            Snackbar.Add(deleted ? $"Watch '{watch.Name}' deleted; its findings close." : $"Watch '{watch.Name}' was deleted already.",
                deleted ? Severity.Success : Severity.Info);
        }
        catch (ProblemException problem)
        {
            Snackbar.Add(problem.Detail, Severity.Error);
        }
        finally
        {
            _deletingWatch = false;
            _confirmDeleteId = null;
        }
    }
}
