using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.Features.Reports;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Reports;

/// <summary>
/// The executive report rendered by the real app from real pushed scans, read back with poppler (pdftotext, pdftoppm;
/// tests/run.sh installs poppler-utils) — the text a reader sees and a rendered page that is not blank.
/// </summary>
public sealed class ExecutiveReportFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    internal static async Task<string> SeedTeamWithFindingsAsync(K8PostureAppFactory app)
    {
        var team = "Checkout-" + Guid.NewGuid().ToString("N")[..6];
        await app.SeedTeamAsync(team);
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var push = await pusher.PostAsync($"/api/v1/ingest/scans?team={team}&scope=image:{team}", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        // This one has a high and a critical vulnerability, for the top risks.
        push = await pusher.PostAsync($"/api/v1/ingest/scans?team={team}&scope=image:{team}-buster", new ByteArrayContent(TestFixtures.Read("trivy/debian-buster.json.golden")));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        return team;
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    internal static async Task<string> PdfTextAsync(string pdf)
    {
        var (exit, output) = await RunAsync("pdftotext", "-layout", pdf, "-");
        Assert.True(exit == 0, "pdftotext failed (is poppler-utils installed? tests/run.sh installs it): " + output);
        return output;
    }

    /// <summary>Renders page 1 to PNG (kept beside the tests to look at) and to grey PGM, whose pixels are counted.</summary>
    internal static async Task<double> InkedShareOfFirstPageAsync(string pdf, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var png = Path.Combine(folder, name);
        var (exit, output) = await RunAsync("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, png);
        Assert.True(exit == 0, "pdftoppm failed: " + output);
        Assert.True(new FileInfo(png + ".png").Length > 5_000, "the PNG is suspiciously small");

        var pgm = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        (exit, output) = await RunAsync("pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile", pdf, pgm);
        Assert.True(exit == 0, "pdftoppm failed: " + output);
        var bytes = await File.ReadAllBytesAsync(pgm + ".pgm");
        File.Delete(pgm + ".pgm");
        // P5 header: magic, width, height, maxval, each followed by whitespace; the pixels follow.
        var offset = 0;
        for (var fields = 0; fields < 4; fields++)
        {
            while (char.IsWhiteSpace((char)bytes[offset])) { offset++; }
            while (!char.IsWhiteSpace((char)bytes[offset])) { offset++; }
        }
        offset++;
        var pixels = bytes.AsSpan(offset);
        var inked = 0;
        foreach (var pixel in pixels)
        {
            if (pixel < 200)
            {
                inked++;
            }
        }
        return (double)inked / pixels.Length;
    }

    [Fact]
    public async Task Leadership_generates_a_report_that_holds_the_kpis_charts_and_teams_and_is_not_blank()
    {
        var team = await SeedTeamWithFindingsAsync(app);
        using var leadership = await app.SignedInClientAsync("Leadership.Viewer");

        var created = await leadership.PostAsync("/api/v1/reports/executive", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.Content.ReadFromJsonAsync<JsonElement>();
        var download = await leadership.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(summary.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var pdf = Path.Combine(app.DataDirectory, "report.pdf");
        await File.WriteAllBytesAsync(pdf, bytes);
        var inked = await InkedShareOfFirstPageAsync(pdf, "executive-report-page1");
        Assert.InRange(inked, 0.01, 0.6);

        var text = await PdfTextAsync(pdf);
        foreach (var expected in new[]
        {
            "Kubernetes security posture", "Summary", "Headline KPIs", "Open critical", "Open high", "SLA compliance", "MTTR",
            "Clusters", "Open findings by category and severity", "Vulnerability",
            "SLA compliance by team", team, "Top risks", "RACI gaps", "Tenancy decisions", "Risk acceptances near expiry",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        // A CVE of the pushed fixture is among the top risks.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"CVE-\d{4}-\d+"), text);
    }

    [Fact]
    public async Task The_governance_sections_are_drawn_from_their_slices_not_placeholders()
    {
        var team = await SeedTeamWithFindingsAsync(app);
        var expiresIn = TimeSpan.FromDays(5);
        await app.WithDbAsync(async db =>
        {
            var finding = await db.Findings.Where(f => f.OwnerTeam!.Name == team).OrderBy(f => f.Id).FirstAsync();
            db.RiskAcceptances.Add(new K8Posture.Features.Remediation.RiskAcceptance
            {
                FindingId = finding.Id,
                OwnerTeamId = finding.OwnerTeamId,
                Severity = finding.Severity,
                Reason = "Vendor fix scheduled for the next release",
                Status = K8Posture.Features.Remediation.RiskAcceptanceStatus.Approved,
                RequestedAt = DateTimeOffset.UtcNow.AddDays(-20),
                RequestedBy = "App Member",
                RequestedBySubject = "app-member",
                DecidedAt = DateTimeOffset.UtcNow.AddDays(-19),
                DecidedBy = "Sam Analyst",
                DecidedBySubject = "analyst",
                ExpiresAt = DateTimeOffset.UtcNow.Add(expiresIn),
            });
            return await db.SaveChangesAsync();
        });
        var nearExpiry = await app.ScalarAsync("SELECT COUNT(*) FROM RiskAcceptances WHERE Status = 1");
        using var leadership = await app.SignedInClientAsync("Leadership.Viewer");
        var created = await leadership.PostAsync("/api/v1/reports/executive", null);
        var pdf = Path.Combine(app.DataDirectory, "governance-report.pdf");
        await File.WriteAllBytesAsync(pdf, await (await leadership.GetAsync(created.Headers.Location)).Content.ReadAsByteArrayAsync());

        var text = await PdfTextAsync(pdf);

        Assert.DoesNotContain("not tracked in this installation", text, StringComparison.Ordinal);
        Assert.Contains("has not saved a RACI matrix yet", text, StringComparison.Ordinal);
        Assert.Contains("No tenancy-risk assessment has been submitted or approved yet.", text, StringComparison.Ordinal);
        Assert.Contains($"{nearExpiry} approved risk acceptance(s) in force; {nearExpiry} expire within 30 days", text, StringComparison.Ordinal);
        Assert.Contains("Sam Analyst", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_is_audited_with_the_stored_hash()
    {
        await SeedTeamWithFindingsAsync(app);
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var created = await (await analyst.PostAsync("/api/v1/reports/executive?from=2026-01-01&to=2026-01-31", null)).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt64();

        using var auditor = await app.SignedInClientAsync("Auditor");
        var bytes = await auditor.GetByteArrayAsync($"/api/v1/reports/executive/{id}.pdf");

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'executive-report.generate' AND EntityId = $id AND After LIKE $sha",
            ("$id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$sha", "%" + sha256 + "%")));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'executive-report.download' AND EntityId = $id AND Actor = 'Aud Auditor' AND After LIKE $sha",
            ("$id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$sha", "%" + sha256 + "%")));
    }

    [Fact]
    public async Task An_app_team_member_may_not_read_or_generate_the_organisation_wide_report()
    {
        var teamId = await app.SeedTeamAsync("NoExec-" + Guid.NewGuid().ToString("N")[..6]);
        using var member = await app.SignedInClientAsync("AppTeam.Member", teamId);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/reports/executive")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/v1/reports/executive", null)).StatusCode);
    }

    [Fact]
    public async Task A_bad_period_is_a_problem_and_stores_nothing()
    {
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM ExecutiveReports");
        var response = await analyst.PostAsync("/api/v1/reports/executive?from=2026-02-01&to=2026-01-01", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("to", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM ExecutiveReports"));
    }

    [Fact]
    public async Task The_monthly_job_stores_last_months_report_once()
    {
        await SeedTeamWithFindingsAsync(app);
        var first = await RunJobAsync();
        var second = await RunJobAsync();

        Assert.NotNull(first);
        Assert.Null(second);
        var (start, end) = ExecutiveReportService.PreviousMonth(DateTimeOffset.UtcNow);
        var stored = await app.WithDbAsync(db => db.ExecutiveReports.AsNoTracking().SingleAsync(r => r.Id == first));
        Assert.Equal(ExecutiveReportTrigger.Scheduled, stored.Trigger);
        Assert.Equal((start, end), (stored.PeriodStart, stored.PeriodEnd));
        Assert.Equal(ExecutiveReportJob.Actor, stored.CreatedBy);
        Assert.Equal(stored.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored.Content)));
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(stored.Content, 0, 5), StringComparison.Ordinal);
    }

    private Task<long?> RunJobAsync() => app.AsJobAsync(services => services.GetRequiredService<ExecutiveReportJob>().RunAsync(CancellationToken.None));

    public static TheoryData<string> TooWeakForTheExecutiveReport => ["member", "read-key", "admin-key"];

    [Theory]
    [MemberData(nameof(TooWeakForTheExecutiveReport))]
    public async Task The_service_refuses_to_generate_the_report_for_an_app_team_or_a_pipeline_key(string who)
    {
        var teamId = await app.SeedTeamAsync("Report-" + Guid.NewGuid().ToString("N")[..6]);
        var caller = who switch
        {
            "member" => Callers.Person(K8Posture.Security.Roles.AppTeamMember, teamId),
            "read-key" => Callers.Key(K8Posture.Security.ApiScopes.Read),
            _ => Callers.Key(K8Posture.Security.ApiScopes.Admin),
        };
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM ExecutiveReports");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        await Assert.ThrowsAsync<ExecutiveReportRefusedException>(() => app.AsCallerAsync<ExecutiveReportService, ExecutiveReportSummary>(caller,
            reports => reports.GenerateAsync(today.AddDays(-7), today, ExecutiveReportTrigger.OnDemand, CancellationToken.None)));
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM ExecutiveReports"));
    }
}
