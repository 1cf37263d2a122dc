using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>Days to fix a finding by severity, from when it is first seen; bound from configuration section "Sla" (e.g. Sla:Days:Critical).</summary>
public sealed class SlaOptions
{
    public const string SectionName = "Sla";

    public SlaDays Days { get; set; } = new();

    /// <summary>Null for Info and Unknown: they carry no deadline.</summary>
    public DateTimeOffset? DueAt(FindingSeverity severity, DateTimeOffset firstSeenAt)
    {
        int? days = severity switch
        {
            FindingSeverity.Critical => Days.Critical,
            FindingSeverity.High => Days.High,
            FindingSeverity.Medium => Days.Medium,
            FindingSeverity.Low => Days.Low,
            _ => null,
        };
        return days is { } d && d > 0 ? firstSeenAt.AddDays(d) : null;
    }
}

public sealed class SlaDays
{
    public int Critical { get; set; } = 7;
    public int High { get; set; } = 30;
    public int Medium { get; set; } = 90;
    public int Low { get; set; } = 180;
}
