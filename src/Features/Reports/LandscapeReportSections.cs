using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Reports;

/// <summary>SLA figures over findings that carry a due date: open now, or closed within the period.</summary>
internal static class SlaFigures
{
    public sealed record TeamSla(int? TeamId, int InScope, int Compliant, int OpenOverdue, int OpenCriticalHigh);

    /// <summary>Compliant: still open and not yet due, or closed on or before the due date.</summary>
    public static async Task<IReadOnlyList<TeamSla>> ByTeamAsync(ExecutiveReportContext context, CancellationToken cancellationToken)
    {
        var now = context.GeneratedAt;
        var start = context.PeriodStartAt;
        var end = context.PeriodEndAt;
        return await context.Db.Findings.AsNoTracking()
            .Where(f => f.SlaDueAt != null && (f.Status == FindingStatus.Open || (f.ClosedAt >= start && f.ClosedAt < end)))
            .GroupBy(f => f.OwnerTeamId)
            .Select(g => new TeamSla(
                g.Key,
                g.Count(),
                g.Count(f => (f.Status == FindingStatus.Open && f.SlaDueAt >= now) || (f.Status == FindingStatus.Closed && f.ClosedAt <= f.SlaDueAt)),
                g.Count(f => f.Status == FindingStatus.Open && f.SlaDueAt < now),
                g.Count(f => f.Status == FindingStatus.Open && f.Severity >= FindingSeverity.High)))
            .ToListAsync(cancellationToken);
    }

    public static string Percent(int part, int whole) =>
        whole == 0 ? "n/a" : (100d * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>Mean days from first seen to closed, of findings closed within the period, per team (null key: all).</summary>
    public static async Task<Dictionary<int, double>> MeanDaysToRemediateAsync(ExecutiveReportContext context, CancellationToken cancellationToken)
    {
        var start = context.PeriodStartAt;
        var end = context.PeriodEndAt;
        var sums = new Dictionary<int, (double Days, int Count)>();
        var closed = context.Db.Findings.AsNoTracking()
            .Where(f => f.Status == FindingStatus.Closed && f.ClosedAt >= start && f.ClosedAt < end)
            .Select(f => new { f.OwnerTeamId, f.FirstSeenAt, f.ClosedAt })
            .AsAsyncEnumerable();
        await foreach (var f in closed.WithCancellation(cancellationToken))
        {
            var days = (f.ClosedAt!.Value - f.FirstSeenAt).TotalDays;
            foreach (var key in new[] { AllTeams, f.OwnerTeamId ?? Unowned })
            {
                var (sum, count) = sums.GetValueOrDefault(key);
                sums[key] = (sum + days, count + 1);
            }
        }
        return sums.ToDictionary(p => p.Key, p => p.Value.Days / p.Value.Count);
    }

    public const int AllTeams = -1;
    public const int Unowned = 0;

    public static string Days(double? days) => days is { } d ? d.ToString("0.0", CultureInfo.InvariantCulture) + " d" : "n/a";
}

public sealed class HeadlineKpisSection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.HeadlineKpis;
    public int Order => ExecutiveReportSections.HeadlineKpisOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var now = await HeadlineFigures.ComputeAsync(context, cancellationToken);
        var before = await PreviousFigures.ComputeAsync(context, cancellationToken);
        var changes = await KnownChanges.ComputeAsync(context, cancellationToken);

        canvas.Heading("Summary");
        canvas.Paragraph(ExecutiveSummaryText.Paragraph(now, before, changes, context.GeneratedAt));

        static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
        // Fewer open findings and a shorter MTTR are better; a higher SLA compliance is better.
        static bool? Lower(double now, double? before) => before is { } b && Math.Abs(now - b) >= 0.05 ? now < b : null;
        var openChange = (Func<int, int?, (string?, bool?)>)((value, previous) =>
            (ExecutiveSummaryText.CountChange(value, previous, before.SnapshotDay), Lower(value, previous)));
        var (criticalChange, criticalBetter) = openChange(now.OpenCritical, before.OpenCritical);
        var (highChange, highBetter) = openChange(now.OpenHigh, before.OpenHigh);
        var (totalChange, totalBetter) = openChange(now.OpenTotal, before.OpenTotal);
        var slaBefore = before.Period.SlaCompliancePercent;
        var mttrBefore = before.Period.MeanDaysToRemediate;

        canvas.Heading("Headline KPIs");
        canvas.KpiRow(
        [
            new ReportKpi("Open critical", N(now.OpenCritical), "findings open now", criticalChange, criticalBetter),
            new ReportKpi("Open high", N(now.OpenHigh), "findings open now", highChange, highBetter),
            new ReportKpi("Open findings", N(now.OpenTotal), "all severities", totalChange, totalBetter),
            new ReportKpi("Open past due", N(now.OpenPastDue), "past their SLA due date"),
            new ReportKpi("SLA compliance", SlaFigures.Percent(now.SlaCompliant, now.SlaInScope), $"of {N(now.SlaInScope)} findings with a due date",
                ExecutiveSummaryText.Change(now.SlaCompliancePercent, slaBefore, "points"),
                now.SlaCompliancePercent is { } sla && slaBefore is { } b && Math.Abs(sla - b) >= 0.05 ? sla > b : null),
            new ReportKpi("MTTR", SlaFigures.Days(now.MeanDaysToRemediate), "mean days from first seen to closed",
                ExecutiveSummaryText.Change(now.MeanDaysToRemediate, mttrBefore, "days"),
                now.MeanDaysToRemediate is { } mttr ? Lower(mttr, mttrBefore) : null),
            new ReportKpi("Closed in period", N(now.ClosedInPeriod), "findings closed",
                ExecutiveSummaryText.CountChange(now.ClosedInPeriod, before.Period.ClosedInPeriod, before.End)?.Replace(" since ", " vs. period ending ", StringComparison.Ordinal)),
            new ReportKpi("Clusters", N(now.Clusters.Count), ClusterState.CountsCaption(now.Clusters)),
        ]);
        var snapshot = before.SnapshotDay is { } day
            ? $"Changes of open findings compare with the daily snapshot of {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; "
            : $"No daily snapshot within {PreviousFigures.SnapshotToleranceDays} days of {before.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, so open findings show no change; ";
        canvas.Paragraph(snapshot + $"period figures compare with {before.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {before.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. " +
            "SLA compliance counts findings with a due date that are open now or were closed in the period: compliant when closed on or before the due date, or still open and not yet due. MTTR is the mean time from first seen to closed of the findings closed in the period. " +
            "Clusters: " + string.Join("; ", ClusterState.Kinds.Select(k => ClusterState.Word(k) + ": " + ClusterState.Meaning(k))) + ".", muted: true);
    }
}

public sealed class FindingsByCategorySection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.FindingsByCategory;
    public int Order => ExecutiveReportSections.FindingsByCategoryOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var counts = await context.Db.Findings.AsNoTracking().Where(f => f.Status == FindingStatus.Open)
            .GroupBy(f => new { f.Category, f.Severity }).Select(g => new { g.Key.Category, g.Key.Severity, Count = g.Count() })
            .ToListAsync(cancellationToken);
        canvas.Heading("Open findings by category and severity", keepWithNext: 160);
        if (counts.Count == 0)
        {
            canvas.Paragraph("No open findings.");
            return;
        }
        var categories = FindingLabels.Categories.ToList();
        var series = FindingLabels.SeveritiesWorstFirst
            .Select(s => new ReportSeries(s.Label(), s.Colour(), categories.Select(c => (double)counts.Where(x => x.Category == c && x.Severity == s).Sum(x => x.Count)).ToList()))
            .Where(s => s.Values.Any(v => v > 0))
            .ToList();
        canvas.StackedBarChart(categories.Select(c => c.Label()).ToList(), series);
    }
}

public sealed class OpenFindingsTrendSection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.OpenFindingsTrend;
    public int Order => ExecutiveReportSections.OpenFindingsTrendOrder;

    /// <summary>At least this many days, so a month's report still shows a trend.</summary>
    public const int MinimumDays = 90;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var from = context.PeriodEnd.AddDays(-(MinimumDays - 1));
        if (context.PeriodStart < from)
        {
            from = context.PeriodStart;
        }
        var to = context.PeriodEnd;
        var days = await context.Db.LandscapeSnapshots.AsNoTracking().Where(s => s.Day >= from && s.Day <= to)
            .GroupBy(s => new { s.Day, s.Severity }).Select(g => new { g.Key.Day, g.Key.Severity, Count = g.Sum(s => s.OpenCount) })
            .ToListAsync(cancellationToken);
        canvas.Heading($"Open findings trend ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})", keepWithNext: 210);
        if (days.Count == 0)
        {
            canvas.Paragraph("No daily landscape snapshots in this period yet; the trend appears once the daily snapshot job has run.");
            return;
        }
        var axis = days.Select(d => d.Day).Distinct().Order().ToList();
        var shown = new[] { FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium, FindingSeverity.Low };
        var series = shown.Select(s => new ReportSeries(s.Label(), s.Colour(),
                axis.Select(day => (double)days.Where(d => d.Day == day && d.Severity == s).Sum(d => d.Count)).ToList()))
            .ToList();
        series.Add(new ReportSeries("All severities", "#1f4e79", axis.Select(day => (double)days.Where(d => d.Day == day).Sum(d => d.Count)).ToList()));
        canvas.LineChart(axis.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture)).ToList(), series);
    }
}

public sealed class SlaByTeamSection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.SlaByTeam;
    public int Order => ExecutiveReportSections.SlaByTeamOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var sla = await SlaFigures.ByTeamAsync(context, cancellationToken);
        var mttr = await SlaFigures.MeanDaysToRemediateAsync(context, cancellationToken);
        var names = await context.Db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        canvas.Heading("SLA compliance by team");
        if (sla.Count == 0)
        {
            canvas.Paragraph("No findings with an SLA due date in this period.");
            return;
        }
        var rows = sla
            .OrderBy(t => t.InScope == 0 ? 1 : (double)t.Compliant / t.InScope)
            .ThenByDescending(t => t.OpenOverdue)
            .Select(t => (IReadOnlyList<string>)
            [
                t.TeamId is { } id ? names.GetValueOrDefault(id, $"Team {id}") : "(no owner team)",
                SlaFigures.Percent(t.Compliant, t.InScope),
                t.OpenOverdue.ToString("N0", CultureInfo.InvariantCulture),
                t.OpenCriticalHigh.ToString("N0", CultureInfo.InvariantCulture),
                SlaFigures.Days(mttr.TryGetValue(t.TeamId ?? SlaFigures.Unowned, out var days) ? days : null),
                t.InScope.ToString("N0", CultureInfo.InvariantCulture),
            ]);
        canvas.Table(["Team", "SLA met", "Past due", "Crit./high", "MTTR", "With SLA"], [3, 1.1, 1, 1.4, 1, 1], rows);
    }
}

public sealed class TopRisksSection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.TopRisks;
    public int Order => ExecutiveReportSections.TopRisksOrder;

    public const int Count = 10;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        // A risk is one vulnerability or rule, weighed by its worst severity and how widely it is open.
        var risks = await context.Db.Findings.AsNoTracking()
            .Where(f => f.Status == FindingStatus.Open && f.Severity >= FindingSeverity.High && f.Resolution == FindingResolution.None)
            .GroupBy(f => f.VulnerabilityId ?? f.RuleId ?? f.Title)
            .Select(g => new
            {
                Risk = g.Key ?? "",
                Title = g.Max(f => f.Title),
                Severity = g.Max(f => f.Severity),
                Open = g.Count(),
                Teams = g.Select(f => f.OwnerTeamId).Distinct().Count(),
                Clusters = g.Select(f => f.ClusterId).Distinct().Count(),
                Overdue = g.Count(f => f.SlaDueAt < context.GeneratedAt),
            })
            .OrderByDescending(r => r.Severity).ThenByDescending(r => r.Open).ThenBy(r => r.Risk)
            .Take(Count)
            .ToListAsync(cancellationToken);
        canvas.Heading("Top risks");
        if (risks.Count == 0)
        {
            canvas.Paragraph("No open critical or high findings without a recorded decision.");
            return;
        }
        canvas.Table(["Risk", "Title", "Severity", "Open", "Teams", "Clusters", "Past due"], [1.8, 2.7, 1.1, 0.75, 0.85, 1.05, 0.95],
            risks.Select(r => (IReadOnlyList<string>)
            [
                r.Risk, r.Title ?? "", r.Severity.Label(), r.Open.ToString("N0", CultureInfo.InvariantCulture),
                r.Teams.ToString(CultureInfo.InvariantCulture), r.Clusters.ToString(CultureInfo.InvariantCulture),
                r.Overdue.ToString("N0", CultureInfo.InvariantCulture),
            ]));
        canvas.Paragraph("Open critical and high findings not accepted or marked false positive, grouped by vulnerability or rule.", muted: true);
    }
}
