namespace K8Posture.Features.Alerts.Siem;

/// <summary>
/// <c>Siem:SplunkHec</c>: where the forwarding job sends alerts and new critical findings. The token is a secret (user
/// secrets, Key Vault, environment); it is sent only in the Authorization header and never logged.
/// </summary>
public sealed class SplunkHecOptions
{
    public const string SectionName = "Siem:SplunkHec";

    public bool Enabled { get; set; }
    /// <summary>The HEC base URL (https://splunk.example.com:8088) or the full event endpoint (…/services/collector/event).</summary>
    public string? Url { get; set; }
    public string? Token { get; set; }
    public string? Index { get; set; }
    public string SourceType { get; set; } = "k8posture:alert";
    public string FindingSourceType { get; set; } = "k8posture:finding";
    public string Source { get; set; } = "k8posture";
    /// <summary>Events per HTTP request (HEC takes several JSON event objects in one body).</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>After this many failed deliveries an event is dead-lettered (admins re-queue it).</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>Backoff before retry n is RetryBaseSeconds × 2^(n−1), at most an hour.</summary>
    public double RetryBaseSeconds { get; set; } = 30;
    public int TimeoutSeconds { get; set; } = 15;
    /// <summary>Only alerts and critical findings newer than this are queued when forwarding starts (no flood of history).</summary>
    public int LookbackHours { get; set; } = 24;

    public bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(Token);

    public Uri EventEndpoint()
    {
        var uri = new Uri(Url!.Trim(), UriKind.Absolute);
        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/services/collector/event") : uri;
    }
}
