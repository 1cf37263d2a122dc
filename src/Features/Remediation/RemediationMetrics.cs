using K8Posture.Data;

namespace K8Posture.Features.Remediation;

public readonly record struct OpenFact(DateTimeOffset? SlaDueAt);

public readonly record struct ClosedFact(DateTimeOffset FirstSeenAt, DateTimeOffset ClosedAt, DateTimeOffset? SlaDueAt);

public sealed record MetricFigures(int Open, int Overdue, int ClosedInPeriod, double? MttrHours, double? SlaCompliancePercent);

/// <summary>
/// The remediation figures (docs/remediation-metrics.md):
/// open = findings the scanners still report with no verdict; overdue = those past their SLA due date;
/// closed in period = closed by a scan in the trailing <see cref="Window"/>; MTTR = mean hours from first seen to
/// closed over those; SLA compliance = closed on time ÷ (closed on time + closed late + open and overdue), so leaving
/// a finding overdue counts against the team as much as fixing it late.
/// </summary>
public static class RemediationMetrics
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    public static MetricFigures Compute(IReadOnlyCollection<OpenFact> open, IReadOnlyCollection<ClosedFact> closedInWindow, DateTimeOffset asOf)
    {
        var overdue = open.Count(o => o.SlaDueAt is { } due && due < asOf);
        double? mttr = closedInWindow.Count == 0 ? null : Math.Round(closedInWindow.Average(c => (c.ClosedAt - c.FirstSeenAt).TotalHours), 1);
        var onTime = closedInWindow.Count(c => c.SlaDueAt is { } due && c.ClosedAt <= due);
        var late = closedInWindow.Count(c => c.SlaDueAt is { } due && c.ClosedAt > due);
        var judged = onTime + late + overdue;
        double? compliance = judged == 0 ? null : Math.Round(100.0 * onTime / judged, 1);
        return new MetricFigures(open.Count, overdue, closedInWindow.Count, mttr, compliance);
    }
}
