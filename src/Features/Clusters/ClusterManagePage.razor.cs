using K8Posture.Data;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace K8Posture.Features.Clusters;

public sealed partial class ClusterManagePage
{
    [Inject] private ClusterService Clusters { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private IReadOnlyList<ClusterDto> _rows = [];
    private IReadOnlyList<string> _teams = [];
    private IReadOnlyList<KubeconfigContextInfo> _contexts = [];
    private string? _name, _environment, _ownerTeam, _kubeconfig, _context, _serverUrl, _token, _ca;
    private ClusterProvider _provider = ClusterProvider.Unknown;
    private int _interval = 15;
    private int _mode;
    private bool _busy;
    private ConnectionTestResult? _test;
    private IReadOnlyDictionary<string, string[]>? _errors;

    protected override async Task OnInitializedAsync()
    {
        _teams = await Clusters.ListOwnerTeamsAsync(CancellationToken.None);
        _rows = await Clusters.ListAsync(CancellationToken.None);
    }

    private void ReadContexts()
    {
        _contexts = [];
        if (string.IsNullOrWhiteSpace(_kubeconfig))
        {
            return;
        }
        try
        {
            _contexts = ClusterConnections.ReadContexts(_kubeconfig);
            _context ??= _contexts.FirstOrDefault(c => c.IsCurrent)?.Name ?? _contexts[0].Name;
            _errors = null;
        }
        catch (ClusterConnectionException ex)
        {
            _errors = new Dictionary<string, string[]> { ["kubeconfig"] = [ex.Message] };
        }
    }

    private RegisterClusterRequest Request() => _mode == 0
        ? new(_name, Kubeconfig: _kubeconfig, Context: _context, Provider: _provider.ToString(), Environment: _environment, OwnerTeam: _ownerTeam, RefreshIntervalMinutes: _interval)
        : new(_name, ServerUrl: _serverUrl, Token: _token, CaCertificate: _ca, Provider: _provider.ToString(), Environment: _environment, OwnerTeam: _ownerTeam, RefreshIntervalMinutes: _interval);

    private async Task TestAsync()
    {
        _busy = true;
        _test = _mode == 0
            ? string.IsNullOrWhiteSpace(_kubeconfig) ? new ConnectionTestResult(false, null, "Paste a kubeconfig first.") : await ClusterService.TestAsync(new(_kubeconfig, null, null), null, _context, CancellationToken.None)
            : await ClusterService.TestAsync(new(null, _token, string.IsNullOrWhiteSpace(_ca) ? null : _ca), _serverUrl, null, CancellationToken.None);
        _busy = false;
    }

    private async Task TestStoredAsync(string name)
    {
        _busy = true;
        _test = await Clusters.TestStoredAsync(name, CancellationToken.None);
        _busy = false;
    }

    private async Task SaveAsync()
    {
        _busy = true;
        var result = await Clusters.SaveAsync(Request(), CancellationToken.None);
        _errors = result.Errors;
        if (result.Errors is null)
        {
            Snackbar.Add(result.Created ? $"Cluster {result.Cluster!.Name} registered." : $"Cluster {result.Cluster!.Name} updated.", MudBlazor.Severity.Success);
            // The secret leaves the page's memory once saved.
            _kubeconfig = _token = _ca = null;
            _contexts = [];
            _rows = await Clusters.ListAsync(CancellationToken.None);
        }
        _busy = false;
    }

    private async Task RefreshAsync(string name)
    {
        var jobId = await Clusters.EnqueueRefreshAsync(name, CancellationToken.None);
        Snackbar.Add(jobId is null ? $"{name} cannot be refreshed." : $"Refresh of {name} queued (job {jobId}).", jobId is null ? MudBlazor.Severity.Warning : MudBlazor.Severity.Info);
    }

    private async Task UnregisterAsync(string name)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Unregister " + name + "?",
            "The refresh schedule and the stored connection are removed, and the findings open in its scope close. The cluster stays as unmanaged, with its history.",
            yesText: "Unregister", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        var result = await Clusters.UnregisterAsync(name, CancellationToken.None);
        Snackbar.Add(result is null ? $"{name} is not a managed cluster." : $"{name} unregistered; {result.ClosedFindings.Values.Sum()} findings closed.",
            result is null ? MudBlazor.Severity.Warning : MudBlazor.Severity.Success);
        _rows = await Clusters.ListAsync(CancellationToken.None);
    }
}
