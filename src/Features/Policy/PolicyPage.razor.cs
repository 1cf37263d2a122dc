using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Rules;
using K8Posture.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Policy;

public sealed partial class PolicyPage
{
    [Inject] private PolicyStore Store { get; set; } = default!;
    [Inject] private RuleCatalogue Catalogue { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthenticationState { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private static readonly FindingSeverity[] SlaSeverities = [FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium, FindingSeverity.Low];
    private static readonly FindingSeverity[] ThresholdSeverities = [FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium, FindingSeverity.Low, FindingSeverity.Info];

    private CurrentPolicy? _current;
    private PolicyDocument _draft = new();
    private IReadOnlyList<PolicyVersionRow> _versions = [];
    private VersionedEditor<DiffLine> _editor = default!;
    private string? _registriesText;
    private string? _labelKeysText;
    private string? _annotationKeysText;
    private string? _explicitOwnersText;
    private bool _isAdmin;
    private ClaimsPrincipal _user = new();

    protected override async Task OnInitializedAsync()
    {
        _editor = new VersionedEditor<DiffLine>("policy", Store.DiffAsync, Snackbar);
        _user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _isAdmin = await Store.MayEditAsync(_user);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _current = await Store.GetCurrentAsync(CancellationToken.None);
        _versions = await Store.ListVersionsAsync(CancellationToken.None);
        _draft = _current.Document.Clone();
        _registriesText = string.Join('\n', _draft.AllowedRegistries);
        _labelKeysText = string.Join(", ", _draft.NamespaceOwnership.LabelKeys);
        _annotationKeysText = string.Join(", ", _draft.NamespaceOwnership.AnnotationKeys);
        _explicitOwnersText = string.Join('\n', _draft.NamespaceOwnership.Explicit.Select(p => $"{p.Key} = {p.Value}"));
    }

    private static List<string> CommaList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static Dictionary<string, string> ExplicitOwners(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    private int SlaOf(FindingSeverity severity) =>
        (_isAdmin ? _draft : _current!.Document).SlaDays.GetValueOrDefault(severity);

    private static FindingSeverity? Override(PolicyDocument document, string ruleId) =>
        document.SeverityOverrides.TryGetValue(ruleId, out var severity) ? severity : null;

    private void SetEnabled(string ruleId, bool on)
    {
        if (on)
        {
            _draft.RuleSwitches.Remove(ruleId);
        }
        else
        {
            _draft.RuleSwitches[ruleId] = false;
        }
    }

    private void SetOverride(string ruleId, FindingSeverity? severity)
    {
        if (severity is { } value)
        {
            _draft.SeverityOverrides[ruleId] = value;
        }
        else
        {
            _draft.SeverityOverrides.Remove(ruleId);
        }
    }

    // The store checks the caller's role again: the page hides the editor, the server enforces it.
    private Task SaveAsync() => _editor.SaveAsync(comment =>
        {
            _draft.AllowedRegistries = (_registriesText ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            _draft.NamespaceOwnership = new NamespaceOwnershipRules
            {
                LabelKeys = CommaList(_labelKeysText),
                AnnotationKeys = CommaList(_annotationKeysText),
                Explicit = ExplicitOwners(_explicitOwnersText),
            };
            return Store.SaveNewVersionAsync(_user, _draft, comment, _current!.Version, CancellationToken.None);
        }, LoadAsync);

    private static string LineStyle(DiffKind kind) => kind switch
    {
        DiffKind.Added => "background:#e6ffed;color:#22863a",
        DiffKind.Removed => "background:#ffeef0;color:#b31d28",
        _ => "color:#586069",
    };
}
