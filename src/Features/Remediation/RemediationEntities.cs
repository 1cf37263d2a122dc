using K8Posture.Data;

namespace K8Posture.Features.Remediation;

/// <summary>A note on a finding by a person of its owner team or the Security Team; kept beside the finding's history.</summary>
public sealed class FindingComment
{
    public long Id { get; set; }
    public long FindingId { get; set; }
    public Finding? Finding { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Author { get; set; }
    public required string Text { get; set; }
}

public enum RiskAcceptanceStatus { Pending = 0, Approved = 1, Rejected = 2, Expired = 3, Revoked = 4 }

/// <summary>
/// An exception to the policy: one finding, or a rule (rule id or vulnerability id) within a scope (cluster, namespace,
/// image repository, owner team). Requested by an app team or the Security Team, decided by the Security Team — never by
/// the requester — and in force until <see cref="ExpiresAt"/>, when the daily job reopens what it covered, or until the
/// Security Team revokes it early (the threat changed: a CVE is now exploited, the compensating control went away).
/// </summary>
public sealed class RiskAcceptance
{
    public long Id { get; set; }
    /// <summary>Set for a single-finding acceptance; null for a rule in a scope.</summary>
    public long? FindingId { get; set; }
    public Finding? Finding { get; set; }
    /// <summary>For a rule-scope acceptance: a rule id or a vulnerability id (CVE) the covered findings carry.</summary>
    public string? RuleId { get; set; }
    public int? ClusterId { get; set; }
    public string? NamespaceName { get; set; }
    public string? ImageRepository { get; set; }
    /// <summary>The team whose findings it covers (scopes who sees it); null only for an organisation-wide one made by the Security Team.</summary>
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    /// <summary>The worst severity it may cover; its expiry was checked against that severity's maximum.</summary>
    public FindingSeverity Severity { get; set; }
    public required string Reason { get; set; }
    public RiskAcceptanceStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public required string RequestedBy { get; set; }
    /// <summary>Stable identity of the requester (Entra object id or name identifier), for the four-eyes check.</summary>
    public required string RequestedBySubject { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecidedBySubject { get; set; }
    public string? DecisionComment { get; set; }
    public DateTimeOffset? ExpiredAt { get; set; }
    /// <summary>Ended before its expiry by the Security Team (or a pending request withdrawn by its requester).</summary>
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevocationReason { get; set; }
    public List<RiskAcceptanceCoverage> Coverage { get; set; } = [];
}

/// <summary>A finding an approved acceptance set to RiskAccepted, so its expiry reopens exactly these.</summary>
public sealed class RiskAcceptanceCoverage
{
    public long Id { get; set; }
    public long RiskAcceptanceId { get; set; }
    public RiskAcceptance? RiskAcceptance { get; set; }
    public long FindingId { get; set; }
    public Finding? Finding { get; set; }
    public DateTimeOffset CoveredAt { get; set; }
}

public enum NotificationChannelKind { Email = 0, Teams = 1, Slack = 2 }

/// <summary>Where a team's SLA-breach digest goes. The address (mailbox or webhook URL, a secret) is encrypted with Data Protection.</summary>
public sealed class TeamNotificationTarget
{
    public int Id { get; set; }
    public int TeamId { get; set; }
    public Team? Team { get; set; }
    public NotificationChannelKind Kind { get; set; }
    /// <summary>Purpose <c>K8Posture.NotificationTarget.v1</c>; never returned by any page or API.</summary>
    public required string AddressProtected { get; set; }
    /// <summary>A masked form for lists (the mailbox, or the webhook host and the last characters).</summary>
    public required string DisplayAddress { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? LastSentAt { get; set; }
    /// <summary>Short, secret-free reason of the last failed delivery; null after a success.</summary>
    public string? LastError { get; set; }
}

/// <summary>One SLA breach delivered to one target: each breach (finding + the due date it missed) reaches each target once.</summary>
public sealed class SlaBreachNotification
{
    public long Id { get; set; }
    public long FindingId { get; set; }
    public int TeamId { get; set; }
    public int TargetId { get; set; }
    public DateTimeOffset SlaDueAt { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

/// <summary>A team's remediation figures on one day (definitions in docs/remediation-metrics.md); TeamId null is the unowned findings.</summary>
public sealed class RemediationMetricSnapshot
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public int? TeamId { get; set; }
    public int Open { get; set; }
    public int Overdue { get; set; }
    public int ClosedInPeriod { get; set; }
    public double? MttrHours { get; set; }
    public double? SlaCompliancePercent { get; set; }
}
