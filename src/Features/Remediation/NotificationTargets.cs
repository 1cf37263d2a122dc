using K8Posture.Shared.Http;
using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using K8Posture.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

public sealed record NotificationTargetRow(int Id, int TeamId, string TeamName, NotificationChannelKind Kind, string DisplayAddress, bool Enabled, DateTimeOffset? LastSentAt, string? LastError);

/// <summary>
/// Per-team destinations of the SLA-breach digest, managed by Security admins. Webhook URLs carry their secret in the path, so
/// addresses are encrypted at rest (Data Protection, keys in the database) and only a masked form is ever shown.
/// </summary>
public sealed class NotificationTargetService(IDbContextFactory<K8PostureDbContext> contexts, IDataProtectionProvider protection, AuditLog audit, IConfiguration configuration, TimeProvider clock)
{
    public const string Purpose = "K8Posture.NotificationTarget.v1";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public string Unprotect(string protectedAddress) => Protector.Unprotect(protectedAddress);

    public async Task<IReadOnlyList<NotificationTargetRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TeamNotificationTargets.AsNoTracking().OrderBy(t => t.Team!.Name).ThenBy(t => t.Kind)
            .Select(t => new NotificationTargetRow(t.Id, t.TeamId, t.Team!.Name, t.Kind, t.DisplayAddress, t.Enabled, t.LastSentAt, t.LastError))
            .ToListAsync(cancellationToken);
    }

    public async Task<int> AddAsync(ClaimsPrincipal user, int teamId, NotificationChannelKind kind, string? address, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        var value = address?.Trim() ?? "";
        var display = Validate(kind, value);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            throw RemediationProblem.Invalid($"teamId: team {teamId} does not exist.");
        }
        var target = new TeamNotificationTarget
        {
            TeamId = teamId,
            Kind = kind,
            AddressProtected = Protector.Protect(value),
            DisplayAddress = display,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
        };
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            target.Id = 0;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.TeamNotificationTargets.Add(target);
            await db.SaveChangesAsync(ct);
            // Never the address itself: the audit log is readable by auditors.
            audit.Record(db, "notification-target.add", nameof(TeamNotificationTarget), target.Id.ToString(CultureInfo.InvariantCulture),
                after: new { target.TeamId, target.Kind, target.DisplayAddress });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        return target.Id;
    }

    public async Task RemoveAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var target = await db.TeamNotificationTargets.FirstOrDefaultAsync(t => t.Id == id, cancellationToken)
            ?? throw RemediationProblem.NotFound($"Notification target {id} does not exist.");
        db.TeamNotificationTargets.Remove(target);
        audit.Record(db, "notification-target.remove", nameof(TeamNotificationTarget), id.ToString(CultureInfo.InvariantCulture),
            before: new { target.TeamId, target.Kind, target.DisplayAddress });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void RequireAdmin(ClaimsPrincipal user)
    {
        if (!user.IsInRole(Security.Roles.SecurityAdmin))
        {
            throw RemediationProblem.Forbidden("Only Security admins manage notification targets.");
        }
    }

    /// <summary>Checks the address and returns its masked form.</summary>
    private string Validate(NotificationChannelKind kind, string value)
    {
        if (value.Length is 0 or > 2000)
        {
            throw RemediationProblem.Invalid("address: give a mailbox or a webhook URL (at most 2000 characters).");
        }
        if (kind == NotificationChannelKind.Email)
        {
            if (!MailAddress.TryCreate(value, out var mail) || mail.Address != value)
            {
                throw RemediationProblem.Invalid($"address: '{value}' is not an email address.");
            }
            return value;
        }
        // Plain http only where explicitly allowed (local test listeners); real webhooks are https.
        var allowHttp = configuration.GetValue("Notifications:AllowHttpWebhooks", false);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp)) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw RemediationProblem.Invalid($"address: a {kind} incoming webhook is an https URL (e.g. {(kind == NotificationChannelKind.Slack ? "https://hooks.slack.com/services/…" : "https://contoso.webhook.office.com/…")}).");
        }
        var tail = uri.AbsolutePath.Length > 4 ? uri.AbsolutePath[^4..] : "";
        return $"{uri.Scheme}://{uri.Authority}/…{tail}";
    }
}
