using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>
/// A fresh install (Demo:Seed=false, nothing pushed): every page in the navigation loads without an error and says what
/// would fill it, and how.
/// </summary>
[Collection(EmptyBrowserCollection.Name)]
public sealed class EmptyPagesFacts(EmptyBrowserAppFixture app) : IClassFixture<EmptyBrowserAppFixture>
{
    /// <summary>Each page of the navigation, and a phrase of what its empty state says would fill it.</summary>
    public static readonly TheoryData<string, string> Pages = new()
    {
        { "/findings", "Findings come from scans pushed to POST /api/v1/ingest/scans" },
        { "/scorecard", "Nothing of this kind has been pushed to POST /api/v1/ingest/inventory yet" },
        { "/ingestion", "No pushes yet. Pipelines push with POST /api/v1/ingest/scans" },
        { "/alerts", "No alerts in this time range: the chart fills as sensors push to POST /api/v1/ingest/alerts" },
        { "/inventory", "No cloud account yet: push az aks list -o json" },
        { "/clusters", "A Security admin registers them on Cluster connections" },
        { "/teams", "Security admins create them in Admin → Organisation" },
        { "/governance", "Nobody is assigned yet: name the parties" },
        { "/policy", "No version saved yet: the built-in default applies." },
        { "/rules", "K8P-PSS-002" },
        { "/governance/raci", "No parties yet: add the teams, roles and vendors" },
        { "/governance/tenancy", "No assessment yet. Start one with “New assessment”" },
        { "/remediation", "get due dates from the policy's SLA days" },
        { "/reports", "No executive report yet: generate one" },
        { "/audit", "Every change a person or key makes lands here" },
        { "/admin/api-keys", "dotnet run -- api-key create --name NAME --scopes ingest" },
        { "/clusters/manage", "No clusters registered yet" },
        { "/remediation/notifications", "Add a team's mailbox or webhook above" },
        { "/setup", "0 of 5 done" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task An_empty_page_says_what_would_fill_it(string path, string fillsIt)
    {
        var page = await app.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");

        var response = await page.GotoAsync(path);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        try
        {
            // Tables load after the first render: wait for the empty state itself.
            await page.WaitForFunctionAsync(
                "text => document.querySelector('.mud-main-content').innerText.replace(/\\s+/g, ' ').includes(text)", fillsIt,
                new PageWaitForFunctionOptions { Timeout = 20_000 });
        }
        finally
        {
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "empty" + path.Replace('/', '-') + ".png"),
                FullPage = true,
            });
        }

        Assert.True(response is { Ok: true }, $"{path} answered {response?.Status}");
        Assert.False(await page.Locator("#blazor-error-ui").IsVisibleAsync(), $"{path} shows the error bar");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
