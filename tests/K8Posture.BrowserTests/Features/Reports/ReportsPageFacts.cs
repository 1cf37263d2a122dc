using System.Text;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Reports;

[Collection(BrowserCollection.Name)]
public sealed class ReportsPageFacts(BrowserAppFixture app)
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static async Task<List<string[]>> DownloadCsvAsync(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(selector), new PageRunAndWaitForDownloadOptions { Timeout = 60_000 });
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path)).TrimStart('\uFEFF');
        // The demo data has no quoted commas in these columns' values; a line per row is enough here.
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(',')).ToList();
    }

    [Fact]
    public async Task An_app_team_member_downloads_a_findings_csv_of_only_its_team()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/reports");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=export-findings-csv]");
        Assert.Equal(0, await page.Locator("[data-testid=export-audit]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=generate-executive-report]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("reports-app-team.png"), FullPage = true });

        var rows = await DownloadCsvAsync(page, "[data-testid=export-findings-csv]");

        var header = rows[0];
        Assert.Equal("Id", header[0]);
        var team = Array.IndexOf(header, "Owner team");
        Assert.True(team > 0);
        Assert.True(rows.Count > 1, "the export has no rows");
        Assert.All(rows.Skip(1), row => Assert.Equal("Payments", row[team]));
    }

    [Fact]
    public async Task An_auditor_downloads_the_audit_log_and_sees_the_export_in_it()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Auditor");
        await page.GotoAsync("/reports");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=export-audit-csv]");

        var findings = await DownloadCsvAsync(page, "[data-testid=export-findings-csv]");
        Assert.True(findings.Count > 1);
        var audit = await DownloadCsvAsync(page, "[data-testid=export-audit-csv]");
        Assert.Equal("Id", audit[0][0]);
        Assert.Contains(audit.Skip(1), row => row[3] == "export.download");

        await page.GotoAsync("/audit");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=audit-action]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var actions = await page.Locator("[data-testid=audit-action]").AllInnerTextsAsync();
        Assert.Contains("export.download", actions);
        await page.Locator("[data-testid=audit-action]", new PageLocatorOptions { HasText = "export.download" }).First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=audit-diff]");
        Assert.Contains("sha256", await page.Locator("[data-testid=audit-diff]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("audit-log-detail.png"), FullPage = true });
    }

    [Fact]
    public async Task Leadership_generates_an_executive_report_and_downloads_the_pdf()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Leadership.Viewer");
        await page.GotoAsync("/reports");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=generate-executive-report]");
        await page.WaitForSelectorAsync("[data-testid=download-executive-report]", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("reports-leadership.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=download-executive-report]").First.ClickAsync());
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5), StringComparison.Ordinal);
    }
}
