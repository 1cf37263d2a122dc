namespace K8Posture.Features.Ingestion.Recovery;

/// <summary>Configuration section "Ingestion:Recovery": when a push left <c>Received</c> counts as interrupted, and how often to look.</summary>
public sealed class PushRecoveryOptions
{
    public const string SectionName = "Ingestion:Recovery";

    /// <summary>A batch still Received this long after it arrived was interrupted (longer than any push takes, queue included).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tries per batch; a payload that takes the process down with it is marked failed after this many.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Cron of the recurring recovery job (besides the run at start).</summary>
    public string Schedule { get; set; } = "*/5 * * * *";
}
