namespace K8Posture.Features.Tickets;

public enum TicketSystem { JiraCloud = 0, JiraDataCenter = 1, AzureDevOps = 2 }

/// <summary>How a team's findings are gathered into tickets.</summary>
public enum TicketGrouping { ImageOrWorkloadFix = 0, Finding = 1, Cve = 2, Rule = 3 }

/// <summary>What a remote status means here, by the team's status mapping.</summary>
public enum TicketState { Open = 0, InProgress = 1, Resolved = 2, WontFix = 3 }

public enum TicketActionKind { Create = 0, UpdateBody = 1, Comment = 2, Transition = 3 }

public enum TicketActionStatus { Pending = 0, Done = 1, Failed = 2 }

/// <summary>
/// A Jira (Cloud or Data Center) site or an Azure DevOps organisation. The API token / PAT and the webhook secret are
/// encrypted with Data Protection (<see cref="TicketConnectionSecrets"/>) and never leave the server.
/// </summary>
public sealed class TicketConnection
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public TicketSystem System { get; set; }
    /// <summary>Jira site URL (https://example.atlassian.net) or Azure DevOps organisation URL (https://dev.azure.com/org).</summary>
    public required string BaseUrl { get; set; }
    /// <summary>Jira Cloud: the account e-mail that owns the API token.</summary>
    public string? UserEmail { get; set; }
    public required string SecretProtected { get; set; }
    /// <summary>
    /// Azure DevOps only: call with an app-only Entra token of K8Posture's own app registration (AzureAd client id + secret or
    /// certificate, client credentials for the Azure DevOps resource) as a bearer, instead of a PAT; the stored token is then empty.
    /// </summary>
    public bool UsesAppIdentity { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastTestedAt { get; set; }
    public string? LastTestResult { get; set; }
}

/// <summary>Where one team's tickets go and how remote statuses map back.</summary>
public sealed class TicketMapping
{
    public int Id { get; set; }
    public int TeamId { get; set; }
    public int ConnectionId { get; set; }
    public TicketConnection? Connection { get; set; }
    /// <summary>Jira project key, or Azure DevOps project name.</summary>
    public required string Project { get; set; }
    /// <summary>Jira issue type or Azure DevOps work item type.</summary>
    public required string IssueType { get; set; }
    /// <summary>Jira labels / Azure DevOps tags, comma-separated.</summary>
    public string? Labels { get; set; }
    /// <summary>Azure DevOps area path.</summary>
    public string? AreaPath { get; set; }
    public TicketGrouping Grouping { get; set; }
    /// <summary>Severity → remote priority, as "Critical=Highest,High=High,…" (Jira priority names, Azure DevOps 1–4).</summary>
    public string? PriorityMap { get; set; }
    /// <summary>Remote status names, comma-separated, that mean in progress / resolved / won't fix.</summary>
    public string? InProgressStatuses { get; set; }
    public required string ResolvedStatuses { get; set; }
    public string? WontFixStatuses { get; set; }
    /// <summary>The status a ticket is moved to when its group is empty (one of the resolved statuses).</summary>
    public required string DoneStatus { get; set; }
    /// <summary>The status a ticket is moved back to when a finding of a done ticket returns.</summary>
    public string? ReopenStatus { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One ticket per (mapping, group key): the unique index on both is what makes "create a ticket for this group"
/// idempotent under concurrent pushes. The remote key is empty until the outbox created (or found) it.
/// </summary>
public sealed class RemoteTicket
{
    public long Id { get; set; }
    public int MappingId { get; set; }
    public TicketMapping? Mapping { get; set; }
    public required string GroupKey { get; set; }
    public required string Title { get; set; }
    public string? RemoteId { get; set; }
    public string? RemoteKey { get; set; }
    public string? RemoteUrl { get; set; }
    public string? RemoteStatus { get; set; }
    public TicketState State { get; set; }
    public string? RemoteAssignee { get; set; }
    /// <summary>sha256 of the last body queued, so an unchanged group queues no update.</summary>
    public string? BodyHash { get; set; }
    /// <summary>The last remote comment id mirrored onto the findings.</summary>
    public string? LastMirroredCommentId { get; set; }
    /// <summary>Grows with every change of the group's members: the idempotency keys of body updates and transitions carry it.</summary>
    public int Revision { get; set; }
    /// <summary>Why the last pull failed (a deleted ticket or project), for the admin page; null when in step.</summary>
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSyncedAt { get; set; }
    public List<RemoteTicketFinding> Findings { get; set; } = [];
}

/// <summary>A finding's membership of a ticket's group; a finding is in at most one ticket.</summary>
public sealed class RemoteTicketFinding
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public RemoteTicket? Ticket { get; set; }
    public long FindingId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    /// <summary>Set when the finding left the group (closed by a scan, or moved); the row stays for the ticket's story.</summary>
    public DateTimeOffset? LeftAt { get; set; }
}

/// <summary>
/// One remote action waiting for (or done with) the ticket system. The idempotency key is unique: queuing the same action
/// twice (two concurrent pushes, a job run twice) adds one row.
/// </summary>
public sealed class TicketOutboxEntry
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public TicketActionKind Action { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary>The comment text or target status; for create and body updates the body is built when sent (the latest group).</summary>
    public string? Argument { get; set; }
    public TicketActionStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}

/// <summary>A webhook delivery seen, so a replayed delivery is recognised and ignored.</summary>
public sealed class TicketWebhookReceipt
{
    public long Id { get; set; }
    public int ConnectionId { get; set; }
    public required string EventId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
