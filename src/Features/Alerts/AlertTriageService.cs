using K8Posture.Shared;
using static K8Posture.Shared.ColumnLengths;
using K8Posture.Shared.Http;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Alerts;

/// <summary>A triage change was refused: not allowed (403), unknown alert (404) or an invalid note (400).</summary>
/// <summary>
/// Sets an alert's triage state. Security analysts and admins triage (the CIRT hand-off is theirs); app teams read their
/// own alerts only. Checked here on the server, so the page hiding the buttons is not the only guard. The state, who and
/// when, a history row and the audit event are written in one SaveChanges.
/// </summary>
public sealed class AlertTriageService(
    IDbContextFactory<K8PostureDbContext> contexts,
    IAuthorizationService authorization,
    AuditLog audit,
    AlertsChangeNotifier notifier,
    TimeProvider clock)
{
    public const int MaxNoteLength = RuntimeAlertEventConfiguration.NoteMaxLength;
    private const string TriageRefused = "Triage refused";

    public async Task<bool> CanTriageAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, Policies.SecurityTeam)).Succeeded;

    public async Task SetStateAsync(ClaimsPrincipal user, long alertId, AlertTriageState state, string? note, CancellationToken cancellationToken)
    {
        if (!await CanTriageAsync(user))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, TriageRefused, "Only Security analysts and admins triage alerts.");
        }
        if (note is { Length: > MaxNoteLength })
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, TriageRefused, $"The note is longer than {MaxNoteLength} characters.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var alert = await db.RuntimeAlerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, TriageRefused, $"Alert {alertId} does not exist or is not visible to you.");
        var before = new { alert.Triage, alert.TriagedBy, alert.TriagedAt, alert.TriageNote };
        var now = clock.GetUtcNow();
        var actor = Clip(db.Scope.Actor, RuntimeAlertEventConfiguration.ActorMaxLength)!;
        var cleanNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        db.RuntimeAlertEvents.Add(new RuntimeAlertEvent
        {
            AlertId = alert.Id, Kind = RuntimeAlertEventKind.TriageChanged, At = now, Actor = actor, From = alert.Triage, To = state, Note = cleanNote,
        });
        alert.Triage = state;
        alert.TriagedBy = actor;
        alert.TriagedAt = now;
        alert.TriageNote = cleanNote;
        audit.Record(db, "alert.triage", nameof(RuntimeAlert), alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before,
            new { alert.Triage, alert.TriagedBy, alert.TriagedAt, alert.TriageNote });
        await db.SaveChangesAsync(cancellationToken);
        notifier.NotifyAlertsChanged();
    }
}
