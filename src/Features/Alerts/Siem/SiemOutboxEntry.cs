namespace K8Posture.Features.Alerts.Siem;

public enum SiemEventKind { Alert = 0, Finding = 1 }

public enum SiemDeliveryStatus { Pending = 0, Sent = 1, DeadLettered = 2 }

/// <summary>
/// One event waiting for (or done with) the SIEM. The HEC event JSON is built when the row is queued, so a retry sends
/// exactly what the first attempt sent.
/// </summary>
public sealed class SiemOutboxEntry
{
    public long Id { get; set; }
    public SiemEventKind Kind { get; set; }
    /// <summary>RuntimeAlert.Id or Finding.Id.</summary>
    public long EntityId { get; set; }
    public required string EventJson { get; set; }
    public SiemDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
