using System.Globalization;
using System.Linq.Expressions;
using K8Posture.Data;

namespace K8Posture.Shared;

/// <summary>
/// The one definition of every posture figure (open, overdue, SLA compliance, MTTR, owned share), used by the landscape
/// and its cube, the team and cluster pages, the remediation metrics and their daily snapshots, the API and the
/// executive report. The LINQ forms and the SQL forms of the landscape cube sit side by side here so they change
/// together; FigureReconciliationFacts fails when any view computes a figure its own way. docs/remediation-metrics.md
/// explains the choices.
/// </summary>
public static class PostureDefinitions
{
    /// <summary>SLA compliance and MTTR look at the findings remediated in today and the 29 whole UTC days before it.</summary>
    public const int WindowDays = 30;

    public const string WindowLabel = "30 days";

    /// <summary>The first day of the window that ends now (whole days, because the landscape cube keys closures by day).</summary>
    public static DateOnly WindowStartDay(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime).AddDays(-(WindowDays - 1));

    public static DateTimeOffset WindowStart(DateTimeOffset now) => StartOf(WindowStartDay(now));

    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Open: a scanner still reports it and nobody gave a verdict (risk-accepted and false-positive findings are decided, not open work).</summary>
    public static readonly Expression<Func<Finding, bool>> IsOpen =
        f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None;

    /// <summary>
    /// Known exploited in production: open (<see cref="IsOpen"/>), on CISA's KEV catalog (directly or through its CVE alias),
    /// in a cluster whose environment is production, as of the last re-score (src/Features/Intel).
    /// </summary>
    public static readonly Expression<Func<Finding, bool>> IsKnownExploitedInProduction =
        f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.KevDateAdded != null && f.InProduction;

    /// <summary>Overdue: open and past its SLA due date. A finding without a due date (Info, Unknown) is never overdue.</summary>
    public static Expression<Func<Finding, bool>> IsOverdue(DateTimeOffset asOf) =>
        f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.SlaDueAt != null && f.SlaDueAt < asOf;

    /// <summary>Remediated: closed by a scan (a person's "resolved" counts once a scan confirms it), without a verdict, in [from, to].</summary>
    public static Expression<Func<Finding, bool>> IsRemediatedBetween(DateTimeOffset from, DateTimeOffset to) =>
        f => f.Status == FindingStatus.Closed && f.Resolution == FindingResolution.None && f.ClosedAt != null && f.ClosedAt >= from && f.ClosedAt <= to;

    // History forms, for rebuilding snapshots of past days from each finding's first-seen and closed dates. At "now" they
    // select what IsOpen and IsOverdue select; for the past they assume today's verdict, severity and owner team.

    /// <summary>Open at <paramref name="asOf"/>: first seen by then, not closed by then, no verdict.</summary>
    public static Expression<Func<Finding, bool>> WasOpenAt(DateTimeOffset asOf) =>
        f => f.Resolution == FindingResolution.None && f.FirstSeenAt <= asOf && (f.ClosedAt == null || f.ClosedAt > asOf);

    /// <summary>Overdue at <paramref name="asOf"/>: open then and past its due date then.</summary>
    public static Expression<Func<Finding, bool>> WasOverdueAt(DateTimeOffset asOf) =>
        f => f.Resolution == FindingResolution.None && f.FirstSeenAt <= asOf && (f.ClosedAt == null || f.ClosedAt > asOf) && f.SlaDueAt != null && f.SlaDueAt < asOf;

    /// <summary>On time: remediated on or before its due date. Without a due date it is neither on time nor late.</summary>
    public static bool? OnTime(DateTimeOffset closedAt, DateTimeOffset? slaDueAt) => slaDueAt is { } due ? closedAt <= due : null;

    // The same predicates for the landscape cube's INSERT … SELECT over "Findings".
    public static readonly string OpenSql = $"\"Status\" = {(int)FindingStatus.Open} AND \"Resolution\" = {(int)FindingResolution.None}";
    public static readonly string RemediatedSql = $"\"Status\" = {(int)FindingStatus.Closed} AND \"Resolution\" = {(int)FindingResolution.None} AND \"ClosedAt\" IS NOT NULL";
    public const string OnTimeSql = "\"SlaDueAt\" IS NOT NULL AND \"ClosedAt\" <= \"SlaDueAt\"";
    public const string LateSql = "\"SlaDueAt\" IS NOT NULL AND \"ClosedAt\" > \"SlaDueAt\"";

    /// <summary>Overdue among open rows, <paramref name="asOfParameter"/> being the provider's form of the instant.</summary>
    public static string OverdueSql(string asOfParameter, bool sqlServer) => sqlServer
        ? $"\"SlaDueAt\" IS NOT NULL AND \"SlaDueAt\" < CAST({asOfParameter} AS datetimeoffset)"
        : $"\"SlaDueAt\" IS NOT NULL AND \"SlaDueAt\" < {asOfParameter}";

    // What each page shows beside the figure.
    public const string OpenText = "Open: findings a scanner still reports that have no verdict. Risk-accepted and false-positive findings are not counted.";
    public const string OverdueText = "Overdue: open findings past their SLA due date (the policy's days per severity from first seen). Info and Unknown have no due date.";
    public const string SlaComplianceText = "SLA compliance (30 days): findings remediated on or before their due date ÷ (findings remediated in the last 30 days with a due date + open findings past due). Leaving a finding overdue counts against it like fixing it late.";
    public const string MttrText = "MTTR (30 days): mean time from first seen to closed by a scan, over the findings remediated in the last 30 days.";
    public const string OwnedShareText = "Owned share: open findings with an owner team ÷ all open findings. Unowned findings wait for a namespace ownership rule, a team key or team= on the push.";
    public const string KnownExploitedInProductionText = "Known exploited in production: open findings whose vulnerability (or its CVE alias) is on CISA's Known Exploited Vulnerabilities catalog, in a cluster whose environment is production.";
    public const string TrendText = "Daily snapshots built with these definitions; days before the first snapshot are rebuilt from each finding's first-seen and closed dates.";

    /// <summary>The name the unowned bucket goes by wherever teams are listed.</summary>
    public const string UnownedLabel = "Unowned";

    /// <summary>Where the rules live that give a finding an owner team.</summary>
    public const string OwnershipRulesLink = "/policy";
}

/// <summary>
/// The figures of a set of findings at one instant. Counts only, so figures of teams add up to the organisation's
/// exactly; the percentages and means are derived here and nowhere else.
/// </summary>
public sealed record PostureFigures(int Open, int Overdue, int Owned, int Remediated, int RemediatedOnTime, int RemediatedLate, double RemediationHours)
{
    public static readonly PostureFigures None = new(0, 0, 0, 0, 0, 0, 0);

    public int Unowned => Open - Owned;

    /// <summary>The findings whose SLA outcome is decided: remediated in the window with a due date, or open past due.</summary>
    public int SlaJudged => RemediatedOnTime + RemediatedLate + Overdue;

    public double? SlaCompliancePercent => SlaJudged == 0 ? null : 100.0 * RemediatedOnTime / SlaJudged;

    public double? MttrHours => Remediated == 0 ? null : RemediationHours / Remediated;

    public double? MttrDays => MttrHours / 24.0;

    public double? OwnedSharePercent => Open == 0 ? null : 100.0 * Owned / Open;

    public static PostureFigures operator +(PostureFigures a, PostureFigures b) => new(
        a.Open + b.Open, a.Overdue + b.Overdue, a.Owned + b.Owned, a.Remediated + b.Remediated,
        a.RemediatedOnTime + b.RemediatedOnTime, a.RemediatedLate + b.RemediatedLate, a.RemediationHours + b.RemediationHours);

    public static PostureFigures Sum(IEnumerable<PostureFigures> figures) => figures.Aggregate(None, (a, b) => a + b);

    // One format per figure, so the same number reads the same on every page, in the API and in the PDF.
    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The one-decimal value the pages print, as a number (the API's form), rounded exactly as the text is.</summary>
    public static double? OneDecimal(double? value) =>
        value is { } v ? double.Parse(v.ToString("0.0", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    public static string Percent(double? value) => value is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    public static string Days(double? value) => value is { } d ? d.ToString("0.0", CultureInfo.InvariantCulture) + " days" : "–";

    public string SlaComplianceText => Percent(SlaCompliancePercent);

    public string MttrText => Days(MttrDays);

    public string OwnedShareText => Percent(OwnedSharePercent);
}
