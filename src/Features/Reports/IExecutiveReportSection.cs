using K8Posture.Data;

namespace K8Posture.Features.Reports;

/// <summary>
/// One section of the executive report PDF. Sections register through DI
/// (<c>services.AddScoped&lt;IExecutiveReportSection, …&gt;()</c>) and are drawn in <see cref="Order"/>.
/// When two share a <see cref="Key"/>, a real section replaces a placeholder, so a feature slice fills one of the
/// <see cref="ExecutiveReportSections"/> extension points just by registering its section with that key.
/// </summary>
public interface IExecutiveReportSection
{
    /// <summary>Stable identity, e.g. <see cref="ExecutiveReportSections.RaciGaps"/>.</summary>
    string Key { get; }

    /// <summary>Position in the report; see the slots in <see cref="ExecutiveReportSections"/>.</summary>
    int Order { get; }

    /// <summary>True for the stand-ins of sections whose data another slice provides.</summary>
    bool IsPlaceholder => false;

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
/// The keys and order slots of the report's sections. Those marked "extension point" are placeholders until their
/// slice registers a real <see cref="IExecutiveReportSection"/> with the same key (see README, Executive report).
/// </summary>
public static class ExecutiveReportSections
{
    public const string HeadlineKpis = "kpis";
    public const string FindingsByCategory = "findings-by-category";
    public const string OpenFindingsTrend = "open-findings-trend";
    public const string SlaByTeam = "sla-by-team";
    public const string TopRisks = "top-risks";
    /// <summary>Extension point: namespaces or clusters without an accountable owner (Governance/RACI slice).</summary>
    public const string RaciGaps = "raci-gaps";
    /// <summary>Extension point: tenancy assessments and their decisions (Governance/tenancy slice).</summary>
    public const string TenancyDecisions = "tenancy-decisions";
    /// <summary>Extension point: open risk acceptances expiring soon (Remediation slice).</summary>
    public const string RiskAcceptancesNearExpiry = "risk-acceptances-near-expiry";

    public const int HeadlineKpisOrder = 100;
    public const int FindingsByCategoryOrder = 200;
    public const int OpenFindingsTrendOrder = 300;
    public const int SlaByTeamOrder = 400;
    public const int TopRisksOrder = 500;
    public const int RaciGapsOrder = 600;
    public const int TenancyDecisionsOrder = 700;
    public const int RiskAcceptancesNearExpiryOrder = 800;

    /// <summary>The sections to draw: by order, a real section winning over a placeholder of the same key.</summary>
    public static IReadOnlyList<IExecutiveReportSection> Resolve(IEnumerable<IExecutiveReportSection> registered) =>
        registered
            .GroupBy(s => s.Key, StringComparer.Ordinal)
            .Select(g => g.LastOrDefault(s => !s.IsPlaceholder) ?? g.Last())
            .OrderBy(s => s.Order)
            .ToList();
}

/// <summary>Stands in for a section whose data another slice owns, and says so in the report rather than hiding the gap.</summary>
public sealed class PlaceholderReportSection(string key, int order, string title, string pendingNote) : IExecutiveReportSection
{
    public string Key => key;
    public int Order => order;
    public bool IsPlaceholder => true;

    public Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        canvas.Heading(title);
        canvas.Paragraph(pendingNote, muted: true);
        return Task.CompletedTask;
    }
}
