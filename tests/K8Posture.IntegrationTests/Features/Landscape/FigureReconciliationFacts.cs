using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Landscape;

/// <summary>
/// One truth: a known landscape (three teams and unowned findings; overdue ones; remediated on time, late, without an SLA
/// and outside the window; risk-accepted and false-positive ones) seeded on a real SQLite file, then the same figures read
/// from every place a person or a machine sees them — the landscape page, the remediation metrics tab, a team page, the
/// cluster page, the API, the posture export and the executive report's text (pdftotext) — each compared with the numbers
/// worked out by hand below. A view that computes a figure its own way disagrees with the hand-made numbers and fails.
/// The app has this database to itself, so its organisation-wide figures are the seed's.
/// </summary>
public sealed partial class FigureReconciliationFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    /// <summary>The expected figures of one row, as every view prints them.</summary>
    private sealed record Expected(string Name, int Open, int Overdue, int Remediated, string SlaCompliance, string Mttr);

    // Worked out by hand from the seed in SeedAsync (open = still reported and no verdict; overdue = open and past due;
    // remediated = closed by a scan in today and the 29 days before, no verdict; SLA compliance = on time ÷ (on time +
    // late + overdue); MTTR = mean of closed − first seen):
    //   Alpha:   open A1 A2 A3 = 3; overdue A1 = 1; remediated A4 (on time, 15 d) A5 (late, 15 d) = 2; 1 / (1 + 1 + 1) = 33.3 %; 15.0 days
    //   Beta:    open B1 B2 = 2; overdue B1 = 1; remediated B4 (on time, 7 d) = 1 (B3 closed 40 days ago); 1 / (1 + 0 + 1) = 50.0 %; 7.0 days
    //   Gamma:   open G1 = 1; overdue 0; remediated G2 (no SLA, 5 d) = 1; nothing judged: –; 5.0 days
    //   Unowned: open U1 U2 U3 = 3; overdue U1 = 1; remediated U4 (on time, 13 d) = 1; 1 / (1 + 0 + 1) = 50.0 %; 13.0 days
    //   Total:   open 9; overdue 3; remediated 5 (on time 3, late 1); 3 / 7 = 42.9 %; (15 + 15 + 7 + 5 + 13) / 5 = 11.0 days;
    //            owned 6 of 9 = 66.7 %. A6, U5 (risk accepted) and B5 (false positive) count nowhere.
    private static readonly Expected Alpha = new("Alpha", 3, 1, 2, "33.3 %", "15.0 days");
    private static readonly Expected Beta = new("Beta", 2, 1, 1, "50.0 %", "7.0 days");
    private static readonly Expected Gamma = new("Gamma", 1, 0, 1, "–", "5.0 days");
    private static readonly Expected Unowned = new("Unowned", 3, 1, 1, "50.0 %", "13.0 days");
    private static readonly Expected Total = new("Total", 9, 3, 5, "42.9 %", "11.0 days");
    private const string OwnedShare = "66.7 %";
    private const int OwnedOpen = 6;
    private const int RemediatedOnTime = 3;
    private const int RemediatedLate = 1;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private string TeamName(string name) => $"{name}-{_suffix}";
    private string ClusterName => "recon-" + _suffix;

    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var alpha = await app.SeedTeamAsync(TeamName("Alpha"));
        var beta = await app.SeedTeamAsync(TeamName("Beta"));
        var gamma = await app.SeedTeamAsync(TeamName("Gamma"));
        var cluster = await app.SeedClusterAsync(ClusterName, ("alpha", alpha), ("beta", beta));
        var n = 0;
        Finding F(int? team, FindingSeverity severity, double firstSeenDaysAgo, double? dueInDays, double? closedDaysAgo = null,
            FindingResolution resolution = FindingResolution.None, FindingCategory category = FindingCategory.Vulnerability) => new()
        {
            Fingerprint = $"recon-{_suffix}-{++n:D4}".PadRight(64, '0'),
            ContentHash = "0",
            Source = "test",
            ScopeKey = "recon:" + _suffix,
            Title = $"Reconciliation finding {n}",
            Category = category,
            Severity = severity,
            OwnerTeamId = team,
            ClusterId = cluster,
            NamespaceName = team == alpha ? "alpha" : team == beta ? "beta" : "shared",
            FirstSeenAt = now.AddDays(-firstSeenDaysAgo),
            LastSeenAt = closedDaysAgo is { } c ? now.AddDays(-c) : now,
            SlaDueAt = dueInDays is { } d ? now.AddDays(d) : null,
            Status = closedDaysAgo is null ? FindingStatus.Open : FindingStatus.Closed,
            ClosedAt = closedDaysAgo is { } closed ? now.AddDays(-closed) : null,
            Resolution = resolution,
        };
        await app.WithDbAsync(async db =>
        {
            db.Findings.AddRange(
                F(alpha, FindingSeverity.Critical, 9, -2),                                   // A1 open, overdue
                F(alpha, FindingSeverity.High, 20, 10, category: FindingCategory.KubernetesMisconfiguration), // A2 open
                F(alpha, FindingSeverity.Medium, 40, 50),                                    // A3 open
                F(alpha, FindingSeverity.High, 20, 10, closedDaysAgo: 5),                    // A4 remediated on time, 15 d
                F(alpha, FindingSeverity.Critical, 25, -18, closedDaysAgo: 10),              // A5 remediated late, 15 d
                F(alpha, FindingSeverity.High, 33, -3, resolution: FindingResolution.RiskAccepted), // A6 decided
                F(beta, FindingSeverity.High, 31, -1, category: FindingCategory.ContainerMisconfiguration), // B1 open, overdue
                F(beta, FindingSeverity.Low, 80, 100),                                       // B2 open
                F(beta, FindingSeverity.Medium, 60, 30, closedDaysAgo: 40),                  // B3 remediated outside the window
                F(beta, FindingSeverity.Low, 10, 170, closedDaysAgo: 3),                     // B4 remediated on time, 7 d
                F(beta, FindingSeverity.Medium, 5, 85, resolution: FindingResolution.FalsePositive), // B5 decided
                F(gamma, FindingSeverity.Info, 3, null),                                     // G1 open, no SLA
                F(gamma, FindingSeverity.Info, 6, null, closedDaysAgo: 1),                   // G2 remediated, no SLA, 5 d
                F(null, FindingSeverity.Critical, 12, -5),                                   // U1 open, overdue
                F(null, FindingSeverity.High, 10, 20, category: FindingCategory.NetworkPolicyMisconfiguration), // U2 open
                F(null, FindingSeverity.Medium, 30, 60),                                     // U3 open
                F(null, FindingSeverity.High, 15, 15, closedDaysAgo: 2),                     // U4 remediated on time, 13 d
                F(null, FindingSeverity.Low, 50, 130, resolution: FindingResolution.RiskAccepted)); // U5 decided
            return await db.SaveChangesAsync();
        });
        await app.AsSystemAsync(async services =>
        {
            await services.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
            return 0;
        });
        await app.AsJobAsync(async services => await services.GetRequiredService<LandscapeSnapshotJob>().RunAsync(CancellationToken.None));
        await app.AsJobAsync(async services => await services.GetRequiredService<RemediationMetricsJob>().RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Every_page_the_api_the_export_and_the_executive_report_show_the_same_figures_as_the_hand_count()
    {
        await SeedAsync();
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);

        // The landscape page (organisation-wide cells) and the cluster page (the cluster's cells): every finding is in the one cluster.
        foreach (var path in new[] { "/", "/clusters/" + ClusterName })
        {
            var html = await admin.GetStringAsync(path);
            AssertKpis(path, html, Total, OwnedShare);
        }

        // A team page (the team's cells).
        AssertKpis("/teams/Alpha", await admin.GetStringAsync("/teams/" + TeamName("Alpha")), Alpha, "100.0 %");

        // The remediation metrics tab: today's cards, and the by-team table with the unowned row.
        var metrics = await admin.GetStringAsync("/remediation?tab=metrics");
        Assert.Equal(Total.Open.ToString(CultureInfo.InvariantCulture), TextOf(metrics, "metrics-open"));
        Assert.Equal(Total.Overdue.ToString(CultureInfo.InvariantCulture), TextOf(metrics, "metrics-overdue"));
        Assert.Equal(Total.Remediated.ToString(CultureInfo.InvariantCulture), TextOf(metrics, "metrics-remediated"));
        Assert.Equal(Total.SlaCompliance, TextOf(metrics, "metrics-compliance"));
        Assert.Equal(Total.Mttr, TextOf(metrics, "metrics-mttr"));
        Assert.Equal(OwnedShare, TextOf(metrics, "metrics-owned-share"));
        var tableRows = MetricsTableRows(metrics);
        foreach (var expected in new[] { Alpha, Beta, Gamma, Unowned })
        {
            var name = expected == Unowned ? "Unowned" : TeamName(expected.Name);
            var row = Assert.Single(tableRows, r => r[0].StartsWith(name, StringComparison.Ordinal));
            Assert.Equal([expected.Open.ToString(CultureInfo.InvariantCulture), expected.Overdue.ToString(CultureInfo.InvariantCulture),
                expected.Remediated.ToString(CultureInfo.InvariantCulture), expected.SlaCompliance, expected.Mttr], row.Skip(1).ToArray());
        }

        // The daily snapshots that feed both trends were built by the same definitions: today's rows add up to the same.
        Assert.Equal(Total.Open, await app.ScalarAsync("SELECT COALESCE(SUM(OpenCount), 0) FROM LandscapeSnapshots WHERE Day = $day", ("$day", Today)));
        Assert.Equal(Total.Open, await app.ScalarAsync("SELECT COALESCE(SUM(Open), 0) FROM RemediationMetricSnapshots WHERE Day = $day", ("$day", Today)));
        Assert.Equal(Total.Overdue, await app.ScalarAsync("SELECT COALESCE(SUM(Overdue), 0) FROM RemediationMetricSnapshots WHERE Day = $day", ("$day", Today)));
        Assert.Equal(Total.Remediated, await app.ScalarAsync("SELECT COALESCE(SUM(ClosedInPeriod), 0) FROM RemediationMetricSnapshots WHERE Day = $day", ("$day", Today)));
        Assert.Equal(Unowned.Open, await app.ScalarAsync("SELECT Open FROM RemediationMetricSnapshots WHERE Day = $day AND TeamId IS NULL", ("$day", Today)));

        // The API.
        var api = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var posture = await api.GetFromJsonAsync<JsonElement>("/api/v1/posture");
        AssertApi(posture.GetProperty("total"), Total);
        Assert.Equal(OwnedOpen, posture.GetProperty("total").GetProperty("owned").GetInt32());
        Assert.Equal(double.Parse(OwnedShare.TrimEnd(' ', '%'), CultureInfo.InvariantCulture), posture.GetProperty("total").GetProperty("ownedSharePercent").GetDouble());
        Assert.Equal((RemediatedOnTime, RemediatedLate), (posture.GetProperty("total").GetProperty("remediatedOnTime").GetInt32(), posture.GetProperty("total").GetProperty("remediatedLate").GetInt32()));
        var apiTeams = posture.GetProperty("byTeam").EnumerateArray().ToList();
        foreach (var expected in new[] { Alpha, Beta, Gamma, Unowned })
        {
            var name = expected == Unowned ? "Unowned" : TeamName(expected.Name);
            AssertApi(Assert.Single(apiTeams, t => t.GetProperty("team").GetString() == name), expected);
        }
        AssertApi((await api.GetFromJsonAsync<JsonElement>("/api/v1/posture?team=" + TeamName("Alpha"))).GetProperty("total"), Alpha);

        // The posture export (CSV), with the unowned row.
        var csv = await admin.GetStringAsync("/api/v1/exports/team-posture.csv");
        foreach (var expected in new[] { Alpha, Beta, Gamma, Unowned })
        {
            var name = expected == Unowned ? "Unowned" : TeamName(expected.Name);
            var line = Assert.Single(csv.Split('\n'), l => l.StartsWith(name + ",", StringComparison.Ordinal)).TrimEnd('\r');
            // Team, Open, Overdue, Remediated, On time, Late, SLA compliance %, MTTR days
            var cells = line.Split(',');
            Assert.Equal([expected.Open, expected.Overdue, expected.Remediated], cells[1..4].Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray());
            Assert.Equal(Number(expected.SlaCompliance), cells[6].Length == 0 ? "" : double.Parse(cells[6], CultureInfo.InvariantCulture).ToString("0.0", CultureInfo.InvariantCulture));
            Assert.Equal(Number(expected.Mttr), double.Parse(cells[7], CultureInfo.InvariantCulture).ToString("0.0", CultureInfo.InvariantCulture));
        }

        // The executive report (last 30 days on demand, the same window), read as a person reads it.
        using var leadership = await app.SignedInClientAsync(Roles.LeadershipViewer);
        var created = await leadership.PostAsync("/api/v1/reports/executive", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pdf = Path.Combine(app.DataDirectory, "reconciliation.pdf");
        await File.WriteAllBytesAsync(pdf, await (await leadership.GetAsync(created.Headers.Location)).Content.ReadAsByteArrayAsync());
        var text = await PdfTextAsync(pdf);
        AssertPdfKpi(text, "SLA compliance", Total.SlaCompliance);
        AssertPdfKpi(text, "MTTR", Total.Mttr);
        AssertPdfKpi(text, "Open findings", Total.Open.ToString(CultureInfo.InvariantCulture));
        AssertPdfKpi(text, "Owned share", OwnedShare);
        Assert.Contains($"{Total.Overdue} open past due", text, StringComparison.Ordinal);
        Assert.Contains($"{Total.Remediated} remediated in period", text, StringComparison.Ordinal);
        foreach (var expected in new[] { Alpha, Beta, Gamma, Unowned })
        {
            var name = expected == Unowned ? "Unowned" : TeamName(expected.Name);
            // Team · SLA met · Past due · Crit./high · MTTR · Open
            var row = new Regex($@"^\s*{Regex.Escape(name)}\s+{Regex.Escape(expected.SlaCompliance)}\s+{expected.Overdue}\s+\d+\s+{Regex.Escape(expected.Mttr)}\s+{expected.Open}\s*$", RegexOptions.Multiline);
            Assert.True(row.IsMatch(text), $"the report's SLA-by-team table has no row '{name} {expected.SlaCompliance} {expected.Overdue} … {expected.Mttr} {expected.Open}':\n{text}");
        }

        // History without a snapshot is rebuilt from the findings by the same definitions (the operator verb after a change
        // of definition). At the start of yesterday G2 (closed a day ago) was still open and B1 (due a day ago) not yet
        // overdue; U4 (closed two days ago) was already closed: open 9 + 1 = 10, overdue A1 and U1 = 2.
        Assert.Equal(0, await PostureSnapshotsCommand.RebuildAsync(app.Services, ["--days", "1"], TextWriter.Null));
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(10, await app.ScalarAsync("SELECT COALESCE(SUM(OpenCount), 0) FROM LandscapeSnapshots WHERE Day = $day", ("$day", yesterday)));
        Assert.Equal(10, await app.ScalarAsync("SELECT COALESCE(SUM(Open), 0) FROM RemediationMetricSnapshots WHERE Day = $day", ("$day", yesterday)));
        Assert.Equal(2, await app.ScalarAsync("SELECT COALESCE(SUM(Overdue), 0) FROM RemediationMetricSnapshots WHERE Day = $day", ("$day", yesterday)));
    }

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(string shown) => shown == "–" ? "" : shown.Split(' ')[0];

    private static void AssertKpis(string page, string html, Expected expected, string ownedShare)
    {
        Assert.True(Kpi(html, "kpi-total-open") == expected.Open.ToString(CultureInfo.InvariantCulture), $"{page}: total open {Kpi(html, "kpi-total-open")}, expected {expected.Open}");
        Assert.True(Kpi(html, "kpi-sla") == expected.SlaCompliance, $"{page}: SLA compliance {Kpi(html, "kpi-sla")}, expected {expected.SlaCompliance}");
        Assert.True(Kpi(html, "kpi-mttr") == expected.Mttr, $"{page}: MTTR {Kpi(html, "kpi-mttr")}, expected {expected.Mttr}");
        Assert.True(Kpi(html, "kpi-owned-share") == ownedShare, $"{page}: owned share {Kpi(html, "kpi-owned-share")}, expected {ownedShare}");
        var caption = Caption(html, "kpi-sla");
        Assert.True(caption.StartsWith($"{expected.Overdue} open past due", StringComparison.Ordinal), $"{page}: SLA caption '{caption}', expected {expected.Overdue} open past due");
        var mttrCaption = Caption(html, "kpi-mttr");
        Assert.True(mttrCaption.Contains($"over {expected.Remediated} findings remediated", StringComparison.Ordinal), $"{page}: MTTR caption '{mttrCaption}'");
        Assert.Contains("kpi-definition", html, StringComparison.Ordinal);
    }

    private static void AssertApi(JsonElement figures, Expected expected)
    {
        Assert.Equal(expected.Open, figures.GetProperty("open").GetInt32());
        Assert.Equal(expected.Overdue, figures.GetProperty("overdue").GetInt32());
        Assert.Equal(expected.Remediated, figures.GetProperty("remediated").GetInt32());
        var compliance = figures.GetProperty("slaCompliancePercent");
        Assert.Equal(Number(expected.SlaCompliance), compliance.ValueKind == JsonValueKind.Null ? "" : compliance.GetDouble().ToString("0.0", CultureInfo.InvariantCulture));
        Assert.Equal(Number(expected.Mttr), figures.GetProperty("mttrDays").GetDouble().ToString("0.0", CultureInfo.InvariantCulture));
    }

    /// <summary>In the KPI row a value sits in its label's column, a line or two above or below it.</summary>
    private static void AssertPdfKpi(string text, string label, string value)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var column = lines[i].IndexOf(label, StringComparison.Ordinal);
            if (column < 0)
            {
                continue;
            }
            for (var j = Math.Max(0, i - 3); j < Math.Min(lines.Length, i + 4); j++)
            {
                var line = lines[j];
                if (j == i)
                {
                    continue;
                }
                var found = line.IndexOf(value, Math.Max(0, Math.Min(line.Length, column - 6)), StringComparison.Ordinal);
                if (found >= 0 && found <= column + label.Length + 6)
                {
                    return;
                }
            }
        }
        Assert.Fail($"the report has no KPI '{label}' reading '{value}':\n{text}");
    }

    private static string Kpi(string html, string testId) => Inner(html, testId, "kpi-value");

    private static string Caption(string html, string testId) => Inner(html, testId, "kpi-caption");

    private static string Inner(string html, string cardTestId, string partTestId)
    {
        var card = html.IndexOf($"data-testid=\"{cardTestId}\"", StringComparison.Ordinal);
        Assert.True(card >= 0, $"no {cardTestId} on the page");
        var part = html.IndexOf($"data-testid=\"{partTestId}\"", card, StringComparison.Ordinal);
        Assert.True(part >= 0, $"no {partTestId} in {cardTestId}");
        return Text(html, part);
    }

    private static string TextOf(string html, string testId)
    {
        var at = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {testId} on the page");
        return Text(html, at);
    }

    /// <summary>The text of the element whose start tag contains <paramref name="at"/>.</summary>
    private static string Text(string html, int at)
    {
        var start = html.IndexOf('>', at) + 1;
        var end = html.IndexOf('<', start);
        return WebUtility.HtmlDecode(html[start..end]).Trim();
    }

    private static List<string[]> MetricsTableRows(string html) =>
        MetricsRow().Matches(html)
            .Select(m => Cell().Matches(m.Groups[1].Value).Select(c => WebUtility.HtmlDecode(Tag().Replace(c.Groups[1].Value, " ")).Trim()).ToArray())
            .Select(cells => cells.Select(c => Whitespace().Replace(c, " ")).ToArray())
            .ToList();

    [GeneratedRegex("<tr[^>]*data-testid=\"metrics-team(?:-unowned)?\"[^>]*>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex MetricsRow();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static async Task<string> PdfTextAsync(string pdf)
    {
        var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-layout", pdf, "-" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pdftotext.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "pdftotext failed (is poppler-utils installed?)");
        return output;
    }
}
