using System.Net;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Reports;

/// <summary>
/// The executive report as a board receives it, read back with pdftotext: a summary written from the figures, changes
/// against the previous month's snapshot, display names, whole table cells and no internal job names. Its own app, because
/// it saves a RACI matrix the other report facts expect to be missing.
/// </summary>
public sealed class ExecutiveReportBoardFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    /// <summary>The text in drawing order with all whitespace removed, so a cell wrapped onto several lines still reads whole.</summary>
    private static async Task<string> PdfTextWithoutWhitespaceAsync(string pdf)
    {
        var (exit, output) = await ExecutiveReportFacts.RunAsync("pdftotext", "-raw", pdf, "-");
        Assert.True(exit == 0, "pdftotext failed: " + output);
        return System.Text.RegularExpressions.Regex.Replace(output, @"\s+", "");
    }

    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", "");

    [Fact]
    public async Task A_board_can_take_the_report_unedited_summary_changes_display_names_full_cells_and_no_job_names()
    {
        var team = await ExecutiveReportFacts.SeedTeamWithFindingsAsync(app);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var periodStart = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var periodEnd = periodStart.AddMonths(1).AddDays(-1);
        var previousEnd = periodStart.AddDays(-1);
        const string application = "payments-settlement-reconciliation-service-for-the-eurozone";
        var teamId = await app.WithDbAsync(db => db.Teams.Where(t => t.Name == team).Select(t => t.Id).SingleAsync());
        await app.WithDbAsync(async db =>
        {
            // What the previous month ended with, as the daily snapshot job recorded it.
            db.LandscapeSnapshots.AddRange(
                new K8Posture.Data.LandscapeSnapshot { Day = previousEnd, TeamId = teamId, Category = K8Posture.Data.FindingCategory.Vulnerability, Severity = K8Posture.Data.FindingSeverity.Critical, OpenCount = 1 },
                new K8Posture.Data.LandscapeSnapshot { Day = previousEnd, TeamId = teamId, Category = K8Posture.Data.FindingCategory.Vulnerability, Severity = K8Posture.Data.FindingSeverity.Low, OpenCount = 2 });
            // A RACI matrix saved by a background job, and an approved assessment advising a hard-isolated shared cluster.
            db.RaciVersions.Add(new K8Posture.Features.Raci.RaciVersion
            {
                Version = 1 + await db.RaciVersions.Select(v => (int?)v.Version).MaxAsync() ?? 1,
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-3),
                CreatedBy = "job:remediation-metrics",
                Comment = "saved by a job",
                Matrix = K8Posture.Features.Raci.RaciDefaults.Matrix().ToJson(),
            });
            db.TenancyAssessments.Add(new K8Posture.Features.Tenancy.TenancyAssessment
            {
                Application = application,
                OwnerTeamId = teamId,
                Status = K8Posture.Features.Tenancy.AssessmentStatus.Approved,
                AnswersJson = "{}",
                Score = 55,
                Recommendation = K8Posture.Data.TenancyModel.SharedHardIsolation,
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-10),
                CreatedBy = "job:tenancy-mismatch",
                UpdatedAt = DateTimeOffset.UtcNow.AddDays(-9),
                ReviewedAt = DateTimeOffset.UtcNow.AddDays(-9),
                ReviewedBy = "Sam Analyst",
                ReassessDueAt = DateTimeOffset.UtcNow.AddMonths(6),
            });
            return await db.SaveChangesAsync();
        });
        var openCriticalNow = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Status = 0 AND Severity = 5");
        var openNow = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Status = 0");
        var criticalBefore = await app.ScalarAsync("SELECT COALESCE(SUM(OpenCount), 0) FROM LandscapeSnapshots WHERE Day = $d AND Severity = 5", ("$d", previousEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        var openBefore = await app.ScalarAsync("SELECT COALESCE(SUM(OpenCount), 0) FROM LandscapeSnapshots WHERE Day = $d", ("$d", previousEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(openNow > openBefore, "the pushed fixtures should open more findings than the snapshot held");

        using var leadership = await app.SignedInClientAsync("Leadership.Viewer");
        var created = await leadership.PostAsync($"/api/v1/reports/executive?from={periodStart:yyyy-MM-dd}&to={periodEnd:yyyy-MM-dd}", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pdf = Path.Combine(app.DataDirectory, "board-report.pdf");
        await File.WriteAllBytesAsync(pdf, await (await leadership.GetAsync(created.Headers.Location)).Content.ReadAsByteArrayAsync());
        await ExecutiveReportFacts.InkedShareOfFirstPageAsync(pdf, "executive-report-board-page1");

        var text = await ExecutiveReportFacts.PdfTextAsync(pdf);
        var whole = await PdfTextWithoutWhitespaceAsync(pdf);
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        // The summary is written from the figures, and compares with the snapshot that closed the previous month.
        Assert.Contains(Squeeze($"{openNow.ToString("N0", culture)} findings are open"), whole, StringComparison.Ordinal);
        Assert.Contains(Squeeze($"{(openNow - openBefore).ToString("N0", culture)} more than on {previousEnd.ToString("d MMMM yyyy", culture)} ({openBefore.ToString("N0", culture)})"), whole, StringComparison.Ordinal);
        var criticalChange = openCriticalNow - criticalBefore;
        var since = previousEnd.ToString("d MMM", culture);
        Assert.Contains(Squeeze(criticalChange == 0 ? $"no change since {since}" : $"{(criticalChange > 0 ? "+" : "−")}{Math.Abs(criticalChange)} since {since}"), whole, StringComparison.Ordinal);
        Assert.Contains(Squeeze($"+{(openNow - openBefore).ToString("N0", culture)} since {since}"), whole, StringComparison.Ordinal);
        Assert.True(whole.Contains("Knownchangesintheperiod:", StringComparison.Ordinal) || whole.Contains(Squeeze("No new findings, clusters, policy versions or risk acceptances in the period."), StringComparison.Ordinal), text);

        // Display names, whole cells, no internal actor names.
        Assert.Contains(Squeeze(application), whole, StringComparison.Ordinal);
        Assert.Contains(Squeeze("Shared cluster with hard isolation"), whole, StringComparison.Ordinal);
        Assert.Contains(Squeeze("Runs where advised"), whole, StringComparison.Ordinal);
        Assert.Contains(Squeeze("automatically)"), whole, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedHardIsolation", whole, StringComparison.Ordinal);
        Assert.DoesNotContain("job:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
    }

}
