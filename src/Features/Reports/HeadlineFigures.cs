using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Remediation;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Reports;

/// <summary>The executive report's headline figures, read once and shared by the summary and the KPI tiles.</summary>
public sealed record HeadlineFigures(
    IReadOnlyDictionary<FindingSeverity, int> OpenBySeverity,
    PostureFigures Figures,
    IReadOnlyList<ClusterState> Clusters)
{
    public int OpenCritical => OpenBySeverity.GetValueOrDefault(FindingSeverity.Critical);
    public int OpenHigh => OpenBySeverity.GetValueOrDefault(FindingSeverity.High);
    public int OpenTotal => OpenBySeverity.Values.Sum();
    public int OpenPastDue => Figures.Overdue;
    public double? SlaCompliancePercent => Figures.SlaCompliancePercent;
    public double? MeanDaysToRemediate => Figures.MttrDays;
    public int ClosedInPeriod => Figures.Remediated;

    public static async Task<HeadlineFigures> ComputeAsync(ExecutiveReportContext context, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var open = await db.Findings.AsNoTracking().Where(PostureDefinitions.IsOpen)
            .GroupBy(f => f.Severity).Select(g => new { Severity = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Severity, x => x.Count, cancellationToken);
        var period = await PeriodAsync(context, cancellationToken);
        var clusters = (await db.Clusters.AsNoTracking().Select(ClusterStateColumns.Projection).ToListAsync(cancellationToken))
            .Select(c => ClusterState.Of(c, context.GeneratedAt)).ToList();
        return new HeadlineFigures(open, period.Figures, clusters);
    }

    /// <summary>The figures that belong to a period (SLA compliance, MTTR, remediated), by the shared definitions.</summary>
    public static async Task<PeriodFigures> PeriodAsync(ExecutiveReportContext context, CancellationToken cancellationToken) =>
        new(PostureFigures.Sum((await ReportFigures.ByTeamAsync(context, cancellationToken)).Select(t => t.Figures)));
}

public sealed record PeriodFigures(PostureFigures Figures)
{
    public double? SlaCompliancePercent => Figures.SlaCompliancePercent;
    public double? MeanDaysToRemediate => Figures.MttrDays;
    public int ClosedInPeriod => Figures.Remediated;
}

/// <summary>
/// The same figures one period earlier: open findings from the daily landscape snapshot at the end of the previous period
/// (the trend's source), the period figures computed over the previous period. Null parts: no snapshot that day.
/// </summary>
public sealed record PreviousFigures(DateOnly Start, DateOnly End, DateOnly? SnapshotDay, IReadOnlyDictionary<FindingSeverity, int>? OpenBySeverity, PeriodFigures Period)
{
    /// <summary>How far back a snapshot may be from the previous period's last day and still stand for it.</summary>
    public const int SnapshotToleranceDays = 3;

    public int? OpenCritical => OpenBySeverity?.GetValueOrDefault(FindingSeverity.Critical);
    public int? OpenHigh => OpenBySeverity?.GetValueOrDefault(FindingSeverity.High);
    public int? OpenTotal => OpenBySeverity?.Values.Sum();

    /// <summary>The calendar month before a report of a calendar month; otherwise the period of the same length just before.</summary>
    public static (DateOnly Start, DateOnly End) PeriodBefore(DateOnly start, DateOnly end)
    {
        if (start.Day == 1 && end == start.AddMonths(1).AddDays(-1))
        {
            return (start.AddMonths(-1), start.AddDays(-1));
        }
        var days = end.DayNumber - start.DayNumber + 1;
        return (start.AddDays(-days), start.AddDays(-1));
    }

    public static async Task<PreviousFigures> ComputeAsync(ExecutiveReportContext context, CancellationToken cancellationToken)
    {
        var (start, end) = PeriodBefore(context.PeriodStart, context.PeriodEnd);
        var endAt = new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var previous = context with { PeriodStart = start, PeriodEnd = end, GeneratedAt = endAt < context.GeneratedAt ? endAt : context.GeneratedAt };
        var period = await HeadlineFigures.PeriodAsync(previous, cancellationToken);
        var earliest = end.AddDays(-SnapshotToleranceDays);
        var snapshots = context.Db.LandscapeSnapshots.AsNoTracking();
        var day = await snapshots.Where(s => s.Day <= end && s.Day >= earliest).OrderByDescending(s => s.Day).Select(s => (DateOnly?)s.Day).FirstOrDefaultAsync(cancellationToken);
        IReadOnlyDictionary<FindingSeverity, int>? open = null;
        if (day is { } snapshotDay)
        {
            open = await snapshots.Where(s => s.Day == snapshotDay).GroupBy(s => s.Severity)
                .Select(g => new { Severity = g.Key, Count = g.Sum(s => s.OpenCount) })
                .ToDictionaryAsync(x => x.Severity, x => x.Count, cancellationToken);
        }
        return new PreviousFigures(start, end, day, open, period);
    }
}

/// <summary>What changed in the period that a reader should know before comparing figures.</summary>
public sealed record KnownChanges(int FindingsNew, int FindingsClosed, int ClustersAdded, int PolicyVersions, int? LatestPolicyVersion, int RiskAcceptancesApproved)
{
    public static async Task<KnownChanges> ComputeAsync(ExecutiveReportContext context, CancellationToken cancellationToken)
    {
        var db = context.Db;
        var start = context.PeriodStartAt;
        var end = context.PeriodEndAt;
        var findingsNew = await db.Findings.AsNoTracking().CountAsync(f => f.FirstSeenAt >= start && f.FirstSeenAt < end, cancellationToken);
        var findingsClosed = await db.Findings.AsNoTracking().CountAsync(f => f.Status == FindingStatus.Closed && f.ClosedAt >= start && f.ClosedAt < end, cancellationToken);
        var clusters = await db.Clusters.AsNoTracking().CountAsync(c => c.CreatedAt >= start && c.CreatedAt < end, cancellationToken);
        var policies = await db.PolicyVersions.AsNoTracking().Where(p => p.CreatedAt >= start && p.CreatedAt < end).Select(p => p.Version).ToListAsync(cancellationToken);
        var accepted = await db.RiskAcceptances.AsNoTracking()
            .CountAsync(r => r.Status == RiskAcceptanceStatus.Approved && r.DecidedAt >= start && r.DecidedAt < end, cancellationToken);
        return new KnownChanges(findingsNew, findingsClosed, clusters, policies.Count, policies.Count == 0 ? null : policies.Max(), accepted);
    }
}

/// <summary>The report's opening paragraph and the change captions of its tiles, in words, from the figures alone.</summary>
public static class ExecutiveSummaryText
{
    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Plural(int count, string one, string many) => N(count) + " " + (count == 1 ? one : many);

    private static string Day(DateOnly day) => day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"+12 since 30 Nov", "no change since 30 Nov", or null when there is nothing to compare with.</summary>
    public static string? CountChange(int now, int? before, DateOnly? since) =>
        before is not { } b || since is not { } day ? null
        : now == b ? "no change since " + day.ToString("d MMM", CultureInfo.InvariantCulture)
        : (now > b ? "+" : "−") + N(Math.Abs(now - b)) + " since " + day.ToString("d MMM", CultureInfo.InvariantCulture);

    /// <summary>"+2.1 points vs. previous period" for percentages, "−0.5 days vs. …" for durations.</summary>
    public static string? Change(double? now, double? before, string unit) =>
        now is not { } n || before is not { } b ? null
        : Math.Abs(n - b) < 0.05 ? "no change vs. previous period"
        : (n > b ? "+" : "−") + Math.Abs(n - b).ToString("0.0", CultureInfo.InvariantCulture) + " " + unit + " vs. previous period";

    public static string Paragraph(HeadlineFigures now, PreviousFigures before, KnownChanges changes, DateTimeOffset generatedAt)
    {
        var sentences = new List<string>();
        var asOf = Day(DateOnly.FromDateTime(generatedAt.UtcDateTime));
        sentences.Add(now.OpenTotal == 0
            ? $"On {asOf} no finding is open."
            : $"On {asOf}, {Plural(now.OpenTotal, "finding is", "findings are")} open, {N(now.OpenCritical)} of them critical and {N(now.OpenHigh)} high; "
              + (now.OpenPastDue == 0 ? "none is past its SLA due date." : $"{Plural(now.OpenPastDue, "is", "are")} past the SLA due date."));
        if (before.OpenTotal is { } openBefore && before.SnapshotDay is { } snapshotDay)
        {
            var difference = now.OpenTotal - openBefore;
            sentences.Add(difference == 0
                ? $"That is the same number as on {Day(snapshotDay)}."
                : $"That is {N(Math.Abs(difference))} {(difference > 0 ? "more" : "fewer")} than on {Day(snapshotDay)} ({N(openBefore)})"
                  + (now.OpenCritical - (before.OpenCritical ?? 0) is var critical && critical == 0 ? ", with as many critical." : $", with {N(Math.Abs(critical))} {(critical > 0 ? "more" : "fewer")} critical."));
        }
        else
        {
            sentences.Add($"There is no daily snapshot from the end of the previous period ({Day(before.End)}) to compare open findings with.");
        }
        if (now.SlaCompliancePercent is { } sla)
        {
            var slaText = $"SLA compliance is {sla.ToString("0.0", CultureInfo.InvariantCulture)} %";
            slaText += before.Period.SlaCompliancePercent is { } slaBefore
                ? $" ({(Math.Abs(sla - slaBefore) < 0.05 ? "unchanged" : (sla > slaBefore ? "up " : "down ") + Math.Abs(sla - slaBefore).ToString("0.0", CultureInfo.InvariantCulture) + " points")} from {slaBefore.ToString("0.0", CultureInfo.InvariantCulture)} % in the previous period)"
                : "";
            sentences.Add(slaText + (now.MeanDaysToRemediate is { } mttr
                ? $"; the {Plural(now.ClosedInPeriod, "finding", "findings")} closed in the period took {mttr.ToString("0.0", CultureInfo.InvariantCulture)} days on average to remediate."
                : "; no finding was closed in the period."));
        }
        else
        {
            sentences.Add("No finding with an SLA due date was open or closed in the period, so SLA compliance cannot be stated.");
        }
        var known = new List<string>();
        if (changes.FindingsNew > 0)
        {
            known.Add(Plural(changes.FindingsNew, "finding", "findings") + " first seen");
        }
        if (changes.ClustersAdded > 0)
        {
            known.Add(Plural(changes.ClustersAdded, "cluster", "clusters") + " added");
        }
        if (changes.PolicyVersions > 0)
        {
            known.Add(changes.PolicyVersions == 1 ? $"policy version {changes.LatestPolicyVersion} published" : $"{N(changes.PolicyVersions)} policy versions published (latest {changes.LatestPolicyVersion})");
        }
        if (changes.RiskAcceptancesApproved > 0)
        {
            known.Add(Plural(changes.RiskAcceptancesApproved, "risk acceptance", "risk acceptances") + " approved");
        }
        sentences.Add(known.Count == 0 ? "No new findings, clusters, policy versions or risk acceptances in the period." : "Known changes in the period: " + string.Join("; ", known) + ".");
        sentences.Add(now.Clusters.Count == 0 ? "No cluster is known yet." : $"Of {Plural(now.Clusters.Count, "cluster", "clusters")}: {ClusterState.CountsCaption(now.Clusters)}.");
        return string.Join(" ", sentences);
    }
}
