namespace K8Posture.Features.Reports;

public enum ExecutiveReportTrigger { Scheduled, OnDemand }

/// <summary>A rendered executive report PDF, kept so what leadership received can be downloaded again unchanged.</summary>
public sealed class ExecutiveReport
{
    public long Id { get; set; }
    /// <summary>First day of the period (inclusive).</summary>
    public DateOnly PeriodStart { get; set; }
    /// <summary>Last day of the period (inclusive).</summary>
    public DateOnly PeriodEnd { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public ExecutiveReportTrigger Trigger { get; set; }
    public required string Sha256 { get; set; }
    public int SizeBytes { get; set; }
    public required byte[] Content { get; set; }
}
