using System.Globalization;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Pdf;

namespace K8Posture.Features.Reports;

/// <summary>A stored report without its bytes, for lists.</summary>
public sealed record ExecutiveReportSummary(long Id, DateOnly PeriodStart, DateOnly PeriodEnd, DateTimeOffset CreatedAt, string CreatedBy, ExecutiveReportTrigger Trigger, string Sha256, int SizeBytes);

/// <summary>The caller may not have the organisation-wide executive report (only Leadership, the Security Team and Auditors may).</summary>
public sealed class ExecutiveReportRefusedException(string message) : InvalidOperationException(message);

/// <summary>Renders the executive report from the registered sections, stores it, and audits its creation.</summary>
public sealed class ExecutiveReportService(
    IDbContextFactory<K8PostureDbContext> contexts,
    IEnumerable<IExecutiveReportSection> sections,
    AuditLog audit,
    TimeProvider clock,
    DataScope caller)
{
    public const string GenerateAction = "executive-report.generate";
    public const string DownloadAction = "executive-report.download";

    /// <summary>The calendar month before the one <paramref name="now"/> is in.</summary>
    public static (DateOnly Start, DateOnly End) PreviousMonth(DateTimeOffset now)
    {
        var firstOfThisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        return (firstOfThisMonth.AddMonths(-1), firstOfThisMonth.AddDays(-1));
    }

    /// <summary>The last 30 days up to today, for on-demand reports.</summary>
    public static (DateOnly Start, DateOnly End) Last30Days(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return (today.AddDays(-29), today);
    }

    public async Task<byte[]> RenderAsync(DateOnly periodStart, DateOnly periodEnd, CancellationToken cancellationToken)
    {
        if (periodEnd < periodStart)
        {
            throw new ArgumentException("The period ends before it starts.", nameof(periodEnd));
        }
        var generatedAt = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var context = new ExecutiveReportContext(db, periodStart, periodEnd, generatedAt);
        var period = $"{periodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {periodEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

        using var document = new PdfDocument();
        document.Info.Title = $"K8Posture executive report, {period}";
        document.Info.Creator = "K8Posture";
        using (var canvas = new ReportCanvas(document, $"K8Posture executive report · {period} · generated {generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"))
        {
            canvas.Title("Kubernetes security posture", $"Executive report for {period} · generated {generatedAt.UtcDateTime.ToString("d MMMM yyyy HH:mm", CultureInfo.InvariantCulture)} UTC");
            foreach (var section in sections.OrderBy(s => s.Order))
            {
                await section.RenderAsync(context, canvas, cancellationToken);
            }
        }
        using var output = new MemoryStream();
        await document.SaveAsync(output);
        return output.ToArray();
    }

    /// <summary>Renders, stores and audits a report; returns the stored summary.</summary>
    public async Task<ExecutiveReportSummary> GenerateAsync(DateOnly periodStart, DateOnly periodEnd, ExecutiveReportTrigger trigger, CancellationToken cancellationToken)
    {
        RequireReportRole("Generating the executive report");
        var bytes = await RenderAsync(periodStart, periodEnd, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var report = new ExecutiveReport
        {
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = db.Scope.Actor,
            Trigger = trigger,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            SizeBytes = bytes.Length,
            Content = bytes,
        };
        db.ExecutiveReports.Add(report);
        await db.SaveChangesAsync(cancellationToken);
        audit.Record(db, GenerateAction, nameof(ExecutiveReport), report.Id.ToString(CultureInfo.InvariantCulture), after: new
        {
            report.PeriodStart,
            report.PeriodEnd,
            report.Trigger,
            report.Sha256,
            report.SizeBytes,
        });
        await db.SaveChangesAsync(cancellationToken);
        return ToSummary(report);
    }

    public async Task<IReadOnlyList<ExecutiveReportSummary>> ListAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ExecutiveReports.AsNoTracking()
            .OrderByDescending(r => r.Id)
            .Take(take)
            .Select(r => new ExecutiveReportSummary(r.Id, r.PeriodStart, r.PeriodEnd, r.CreatedAt, r.CreatedBy, r.Trigger, r.Sha256, r.SizeBytes))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The stored bytes, with the download audited in the same save.</summary>
    public async Task<(ExecutiveReportSummary Summary, byte[] Content)?> DownloadAsync(long id, CancellationToken cancellationToken)
    {
        RequireReportRole("Downloading an executive report");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var report = await db.ExecutiveReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (report is null)
        {
            return null;
        }
        audit.Record(db, DownloadAction, nameof(ExecutiveReport), id.ToString(CultureInfo.InvariantCulture), after: new { report.Sha256, report.SizeBytes, report.PeriodStart, report.PeriodEnd });
        await db.SaveChangesAsync(cancellationToken);
        return (ToSummary(report), report.Content);
    }

    /// <summary>
    /// The report is organisation-wide whoever renders it, so the service checks the role itself: a page or endpoint that
    /// forgets cannot hand it to an app team (whose data scope would quietly make it a one-team report) or a pipeline key.
    /// </summary>
    private void RequireReportRole(string what)
    {
        if (caller.IsSystem || (caller.User is { } user && !user.IsMachine() && ReportsPolicies.ExecutiveReportRoles.Any(user.IsInRole)))
        {
            return;
        }
        throw new ExecutiveReportRefusedException(
            $"{what} is for {string.Join(", ", ReportsPolicies.ExecutiveReportRoles)}; {caller.Actor} has none of these roles.");
    }

    public static string FileName(ExecutiveReportSummary report) =>
        $"k8posture-executive-report-{report.PeriodStart.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{report.PeriodEnd.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{report.Id.ToString(CultureInfo.InvariantCulture)}.pdf";

    private static ExecutiveReportSummary ToSummary(ExecutiveReport r) =>
        new(r.Id, r.PeriodStart, r.PeriodEnd, r.CreatedAt, r.CreatedBy, r.Trigger, r.Sha256, r.SizeBytes);
}
