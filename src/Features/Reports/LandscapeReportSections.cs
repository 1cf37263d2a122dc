using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Remediation;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Reports;

/// <summary>
/// The report's figures, from the shared definitions (<see cref="PostureDefinitions"/>, <see cref="PostureFigureQueries"/>):
/// open and overdue at generation, SLA compliance and MTTR over the report's period (the last 30 days on demand, which is
/// the window every page uses).
/// </summary>
internal static class ReportFigures
{
    public static Task<IReadOnlyList<TeamPostureFigures>> ByTeamAsync(ExecutiveReportContext context, CancellationToken cancellationToken) =>
        PostureFigureQueries.ForPeriodAsync(context.Db.Findings.AsNoTracking(), context.PeriodStartAt, context.PeriodEndAt, context.GeneratedAt, cancellationToken);

    public static string TeamName(int? teamId, IReadOnlyDictionary<int, string> names) =>
        teamId is { } id ? names.GetValueOrDefault(id, $"Team {id}") : PostureDefinitions.UnownedLabel;
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
            new ReportKpi("SLA compliance", now.Figures.SlaComplianceText, $"{N(now.OpenPastDue)} open past due",
                ExecutiveSummaryText.Change(now.SlaCompliancePercent, slaBefore, "points"),
                now.SlaCompliancePercent is { } sla && slaBefore is { } b && Math.Abs(sla - b) >= 0.05 ? sla > b : null),
            new ReportKpi("MTTR", now.Figures.MttrText, $"{N(now.ClosedInPeriod)} remediated in period",
                ExecutiveSummaryText.Change(now.MeanDaysToRemediate, mttrBefore, "days"),
                now.MeanDaysToRemediate is { } mttr ? Lower(mttr, mttrBefore) : null),
            new ReportKpi("Owned share", now.Figures.OwnedShareText, $"{N(now.Figures.Unowned)} unowned"),
            new ReportKpi("Clusters", N(now.Clusters.Count), ClusterState.CountsCaption(now.Clusters)),
        ]);
        var snapshot = before.SnapshotDay is { } day
            ? $"Changes of open findings compare with the daily snapshot of {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; "
            : $"No daily snapshot within {PreviousFigures.SnapshotToleranceDays} days of {before.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, so open findings show no change; ";
        canvas.Paragraph(snapshot + $"period figures compare with {before.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {before.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. "
            + "Definitions (the same on every page of K8Posture): " + PostureDefinitions.OpenText + " " + PostureDefinitions.OverdueText
            + " SLA compliance: findings remediated in the period on or before their due date ÷ (findings remediated in the period with a due date + open findings past due)."
            + " MTTR: mean time from first seen to closed by a scan, over the findings remediated in the period. "
            + "Clusters: " + string.Join("; ", ClusterState.Kinds.Select(k => ClusterState.Word(k) + ": " + ClusterState.Meaning(k))) + ".", muted: true);
    }
}

public sealed class FindingsByCategorySection : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.FindingsByCategory;
    public int Order => ExecutiveReportSections.FindingsByCategoryOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var counts = await context.Db.Findings.AsNoTracking().Where(PostureDefinitions.IsOpen)
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
        var today = DateOnly.FromDateTime(context.GeneratedAt.UtcDateTime);
        if (to >= today)
        {
            // Today's point is the live count the headline shows, not this morning's snapshot.
            var live = await PostureSnapshots.LandscapeRowsAsync(context.Db.Findings.AsNoTracking(), today, cancellationToken);
            days = days.Where(d => d.Day != today)
                .Concat(live.GroupBy(r => r.Severity).Select(g => new { Day = today, Severity = g.Key, Count = g.Sum(r => r.OpenCount) }))
                .ToList();
        }
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
        var byTeam = await ReportFigures.ByTeamAsync(context, cancellationToken);
        var criticalHigh = await context.Db.Findings.AsNoTracking().Where(PostureDefinitions.IsOpen).Where(f => f.Severity >= FindingSeverity.High)
            .GroupBy(f => f.OwnerTeamId).Select(g => new { TeamId = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var names = await context.Db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        canvas.Heading("SLA compliance by team");
        if (byTeam.Count == 0)
        {
            canvas.Paragraph("No open or remediated findings in this period.");
            return;
        }
        // The unowned findings are a row like a team's, so the rows add up to the headline figures.
        var rows = byTeam
            .OrderBy(t => t.Figures.SlaCompliancePercent ?? 101)
            .ThenByDescending(t => t.Figures.Overdue)
            .Select(t => (IReadOnlyList<string>)
            [
                ReportFigures.TeamName(t.TeamId, names),
                t.Figures.SlaComplianceText,
                PostureFigures.Count(t.Figures.Overdue),
                PostureFigures.Count(criticalHigh.Where(c => c.TeamId == t.TeamId).Sum(c => c.Count)),
                t.Figures.MttrText,
                PostureFigures.Count(t.Figures.Open),
            ]);
        canvas.Table(["Team", "SLA met", "Past due", "Crit./high", "MTTR", "Open"], [3, 1.1, 1, 1.4, 1.2, 1], rows);
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
            .Where(PostureDefinitions.IsOpen).Where(f => f.Severity >= FindingSeverity.High)
            .GroupBy(f => f.VulnerabilityId ?? f.RuleId ?? f.Title)
            .Select(g => new
            {
                Risk = g.Key ?? "",
                Title = g.Max(f => f.Title),
                Severity = g.Max(f => f.Severity),
                Open = g.Count(),
                Teams = g.Select(f => f.OwnerTeamId).Distinct().Count(),
                Clusters = g.Select(f => f.ClusterId).Distinct().Count(),
                Overdue = g.Count(f => f.SlaDueAt != null && f.SlaDueAt < context.GeneratedAt),
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
