using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace K8Posture.Features.Admin;

public sealed partial class ApiKeysPage
{
    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<ApiKeyRow> _rows = [];
    private IReadOnlyList<(int Id, string Name)> _teams = [];
    private readonly HashSet<string> _scopes = [ApiScopes.Ingest];
    private string? _name;
    private int? _teamId;
    private CreatedApiKey? _created;
    private bool _loading = true;

    protected override async Task OnInitializedAsync()
    {
        _teams = await Keys.ListTeamsAsync(CancellationToken.None);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _rows = await Keys.ListAsync(CancellationToken.None);
        _loading = false;
    }

    private void ChooseTeam(int? teamId)
    {
        _teamId = teamId;
        if (teamId is not null)
        {
            _scopes.Remove(ApiScopes.Admin);
        }
    }

    private void Toggle(string scope, bool on)
    {
        if (on) _scopes.Add(scope); else _scopes.Remove(scope);
    }

    private async Task CreateAsync()
    {
        try
        {
            _created = await Keys.CreateAsync(_name!, ApiScopes.All.Where(_scopes.Contains).ToList(), _teamId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTeamRequiredException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
            return;
        }
        _name = null;
        await LoadAsync();
    }

    private async Task RevokeAsync(ApiKeyRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke key", $"Revoke '{row.Name}' ({row.Prefix}…)? Pipelines using it stop at once.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        if (await Keys.RevokeAsync(row.Id, CancellationToken.None))
        {
            Snackbar.Add($"Revoked {row.Name}", MudBlazor.Severity.Info);
        }
        await LoadAsync();
    }
}
