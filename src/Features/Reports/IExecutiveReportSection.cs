using K8Posture.Data;

namespace K8Posture.Features.Reports;

/// <summary>
/// One section of the executive report PDF. Sections register through DI
/// (<c>services.AddScoped&lt;IExecutiveReportSection, …&gt;()</c>) and are drawn in <see cref="Order"/>.
/// Slices other than Reports add their own (RACI gaps, tenancy decisions, risk acceptances near expiry).
/// </summary>
public interface IExecutiveReportSection
{
    /// <summary>Stable identity, e.g. <see cref="ExecutiveReportSections.RaciGaps"/>.</summary>
    string Key { get; }

    /// <summary>Position in the report; see the slots in <see cref="ExecutiveReportSections"/>.</summary>
    int Order { get; }

    /// <summary>Draws the section. <paramref name="context"/>'s database is bound to the report's scope (the whole organisation).</summary>
    Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken);
}

/// <summary>What a section draws from: the database and the reporting period (whole UTC days, inclusive).</summary>
public sealed record ExecutiveReportContext(K8PostureDbContext Db, DateOnly PeriodStart, DateOnly PeriodEnd, DateTimeOffset GeneratedAt)
{
    public DateTimeOffset PeriodStartAt => new(PeriodStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Exclusive end: midnight after <see cref="PeriodEnd"/>, or now if that is earlier.</summary>
    public DateTimeOffset PeriodEndAt
    {
        get
        {
            var end = new DateTimeOffset(PeriodEnd.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return end < GeneratedAt ? end : GeneratedAt;
        }
    }
}

/// <summary>
/// The keys and order slots of the report's sections, in one place so the report's order is read here.
/// </summary>
public static class ExecutiveReportSections
{
    public const string HeadlineKpis = "kpis";
    public const string FindingsByCategory = "findings-by-category";
    public const string OpenFindingsTrend = "open-findings-trend";
    public const string SlaByTeam = "sla-by-team";
    public const string TopRisks = "top-risks";
    /// <summary>Activities without an accountable owner (Raci slice).</summary>
    public const string RaciGaps = "raci-gaps";
    /// <summary>Tenancy assessments and their decisions (Tenancy slice).</summary>
    public const string TenancyDecisions = "tenancy-decisions";
    /// <summary>Open risk acceptances expiring soon (Remediation slice).</summary>
    public const string RiskAcceptancesNearExpiry = "risk-acceptances-near-expiry";

    public const int HeadlineKpisOrder = 100;
    public const int FindingsByCategoryOrder = 200;
    public const int OpenFindingsTrendOrder = 300;
    public const int SlaByTeamOrder = 400;
    public const int TopRisksOrder = 500;
    public const int RaciGapsOrder = 600;
    public const int TenancyDecisionsOrder = 700;
    public const int RiskAcceptancesNearExpiryOrder = 800;
}
