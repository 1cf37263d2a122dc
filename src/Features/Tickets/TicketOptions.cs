namespace K8Posture.Features.Tickets;

/// <summary>Bound from section <c>Tickets</c>.</summary>
public sealed class TicketOptions
{
    public const string SectionName = "Tickets";

    /// <summary>After this many failed attempts an action is marked failed (admins re-queue it); 429s count too, but wait as told.</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>Backoff before retry n is RetryBaseSeconds × 2^(n−1), at most an hour.</summary>
    public double RetryBaseSeconds { get; set; } = 30;
    /// <summary>Cron (UTC) of the outbox job <c>ticket-outbox</c>.</summary>
    public string OutboxSchedule { get; set; } = "* * * * *";
    /// <summary>Cron (UTC) of the reconciliation job <c>ticket-reconcile</c>: group membership, and every ticket's remote state pulled.</summary>
    public string ReconcileSchedule { get; set; } = "*/10 * * * *";
    /// <summary>A webhook delivery older than this (by its own timestamp) is refused as a replay; deliveries are also deduplicated by id.</summary>
    public int WebhookReplayWindowSeconds { get; set; } = 600;
}
