using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Raci;

public sealed partial class RaciPage
{
    [Inject] private RaciService Service { get; set; } = default!;
    [Inject] private RaciChangeNotifier Changes { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthenticationState { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private static readonly string[] CommonLetters = ["", "R", "A", "RA", "C", "I", "RC"];

    private CurrentRaci? _current;
    private RaciMatrix _draft = new();
    private IReadOnlyList<RaciViolation> _draftViolations = [];
    private IReadOnlyList<RaciVersionRow> _versions = [];
    private VersionedEditor<RaciChange> _editor = default!;
    private int _compareFrom;
    private int _compareTo;
    private bool _isAdmin;
    private bool _dirty;
    private bool _newerSaved;
    private bool _showRetired;
    private string? _newActivityName;
    private string? _newActivityDescription;
    private string? _newPartyName;
    private RaciPartyKind _newPartyKind = RaciPartyKind.Role;
    private ClaimsPrincipal _user = new();
    private IDisposable? _subscription;

    private IReadOnlyList<RaciViolation> Violations => _isAdmin ? _draftViolations : _current!.Violations;

    private IEnumerable<int> VersionNumbers => _versions.Select(v => v.Version).Append(0);

    protected override async Task OnInitializedAsync()
    {
        _editor = new VersionedEditor<RaciChange>("RACI", Service.DiffAsync, Snackbar);
        _user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _isAdmin = await Service.MayEditAsync(_user);
        await ReloadAsync();
        _subscription = Changes.Subscribe(() => InvokeAsync(async () =>
        {
            // An admin's unsaved edits are never thrown away by someone else's save; they are told instead.
            if (_dirty)
            {
                _newerSaved = (await Service.GetCurrentAsync(CancellationToken.None)).Version != _current?.Version;
            }
            else
            {
                await ReloadAsync();
            }
            StateHasChanged();
        }));
    }

    private async Task ReloadAsync()
    {
        _current = await Service.GetCurrentAsync(CancellationToken.None);
        _versions = await Service.ListVersionsAsync(CancellationToken.None);
        _draft = _current.Matrix.Clone();
        _draftViolations = _current.Violations;
        _dirty = false;
        _newerSaved = false;
        _compareTo = _current.Version;
        _compareFrom = Math.Max(0, _current.Version - 1);
    }

    private List<RaciViolation> ViolationsOf(string activityKey) => Violations.Where(v => v.ActivityKey == activityKey).ToList();

    private static IEnumerable<string> Options(string current) => CommonLetters.Contains(current) ? CommonLetters : CommonLetters.Append(current);

    private void Changed()
    {
        _dirty = true;
        _draftViolations = RaciRules.Check(_draft);
    }

    private void SetCell(string activityKey, string partyKey, string? letters)
    {
        _draft.Set(activityKey, partyKey, RaciLetters.Parse(letters));
        Changed();
    }

    private void ToggleRetired(RaciActivity activity)
    {
        activity.Retired = !activity.Retired;
        Changed();
    }

    private void AddActivity()
    {
        var name = _newActivityName!.Trim();
        _draft.Activities.Add(new RaciActivity { Key = RaciService.KeyFor(name, _draft.Activities.Select(a => a.Key)), Name = name, Description = _newActivityDescription?.Trim() ?? "" });
        _newActivityName = _newActivityDescription = null;
        Changed();
    }

    private void AddParty()
    {
        var name = _newPartyName!.Trim();
        _draft.Parties.Add(new RaciParty { Key = RaciService.KeyFor(name, _draft.Parties.Select(p => p.Key)), Name = name, Kind = _newPartyKind });
        _newPartyName = null;
        Changed();
    }

    private void RemoveParty(string partyKey)
    {
        _draft.RemoveParty(partyKey);
        Changed();
    }

    // The service checks the role again: the page hides the editor, the server enforces it.
    private Task SaveAsync() => _editor.SaveAsync(
        comment => Service.SaveNewVersionAsync(_user, _draft, comment, _current!.Version, CancellationToken.None), ReloadAsync);

    private static string KindLabel(RaciPartyKind kind) => kind switch
    {
        RaciPartyKind.BusinessUnit => "business unit",
        RaciPartyKind.Team => "team",
        RaciPartyKind.Role => "role",
        _ => "vendor",
    };

    public void Dispose() => _subscription?.Dispose();
}
