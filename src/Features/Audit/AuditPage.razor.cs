using System.Globalization;
using K8Posture.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace K8Posture.Features.Audit;

public sealed partial class AuditPage
{
    [Inject] private AuditLogReader Reader { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private MudDataGrid<AuditEvent>? _grid;
    private string? _actor;
    private string? _action;
    private string? _entity;
    private DateTime? _from;
    private DateTime? _to;
    private IReadOnlyList<string> _actions = [];
    private IReadOnlyList<string> _entities = [];
    private AuditEvent? _selected;
    private IReadOnlyList<AuditDiffLine> _diff = [];
    private bool _mayDownloadPayloads;

    protected override async Task OnInitializedAsync()
    {
        (_actions, _entities) = await Reader.VocabularyAsync(CancellationToken.None);
        _mayDownloadPayloads = await Reader.MayDownloadPayloadsAsync((await AuthenticationState).User);
    }

    private AuditCriteria Criteria => new(
        _actor, _action, _entity, null,
        _from is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)) : null,
        _to is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc)) : null);

    private async Task<GridData<AuditEvent>> LoadPageAsync(GridState<AuditEvent> state, CancellationToken cancellationToken)
    {
        var result = await Reader.ListAsync(Criteria, state.Page, state.PageSize, cancellationToken);
        return new GridData<AuditEvent> { TotalItems = result.Total, Items = result.Items };
    }

    private string ExportUrl(string extension)
    {
        var pairs = Criteria.ToFilters().Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").ToList();
        return $"/api/v1/exports/audit.{extension}" + (pairs.Count == 0 ? "" : "?" + string.Join('&', pairs));
    }

    private void Select(AuditEvent audit)
    {
        _selected = audit;
        _diff = AuditDiff.Compute(audit.Before, audit.After);
    }

    /// <summary>The evidence an entry refers to: the raw payload of a push, or the stored executive report.</summary>
    private (string Url, string Label)? EvidenceLink(AuditEvent audit) => (audit.EntityType, audit.EntityId) switch
    {
        (nameof(IngestBatch), { Length: > 0 } id) when _mayDownloadPayloads && long.TryParse(id, CultureInfo.InvariantCulture, out _) =>
            ($"/api/v1/ingest/batches/{id}/payload", "Download the raw payload of this push"),
        ("ExecutiveReport", { Length: > 0 } id) when long.TryParse(id, CultureInfo.InvariantCulture, out _) =>
            ($"/api/v1/reports/executive/{id}.pdf", "Download this executive report"),
        _ => null,
    };

    private Task ReloadAsync()
    {
        _selected = null;
        return _grid?.ReloadServerData() ?? Task.CompletedTask;
    }

    private Task OnActorChangedAsync(string? value) { _actor = value; return ReloadAsync(); }
    private Task OnActionChangedAsync(string? value) { _action = value; return ReloadAsync(); }
    private Task OnEntityChangedAsync(string? value) { _entity = value; return ReloadAsync(); }
    private Task OnFromChangedAsync(DateTime? value) { _from = value; return ReloadAsync(); }
    private Task OnToChangedAsync(DateTime? value) { _to = value; return ReloadAsync(); }
}
