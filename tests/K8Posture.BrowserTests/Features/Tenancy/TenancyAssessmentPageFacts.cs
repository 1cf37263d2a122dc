using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Tenancy;

/// <summary>The assessment wizard end to end: an app team's recommendation, Security's approval, the overview and the mismatch finding.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TenancyAssessmentPageFacts(BrowserAppFixture app)
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static Task CheckAsync(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}]").Locator("xpath=descendant-or-self::input").First.CheckAsync();

    [Fact]
    public async Task An_app_team_walks_the_assessment_wizard_to_a_recommendation_and_security_approves_it()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Ledger");
        await page.GotoAsync("/governance/tenancy/new");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        // Step 1: the application, from the team's namespaces.
        await page.ClickAsync("[data-testid=tenancy-application]");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('general-ledger')");
        await page.ClickAsync("[data-testid=wizard-next]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("tenancy-wizard-step2.png"), FullPage = true });
        // Co-tenant risk: a vendor agent with high privileges.
        await CheckAsync(page, "q-vendor-privileges");
        await page.ClickAsync("[data-testid=wizard-next]");
        // Data: Finance and PII.
        await CheckAsync(page, "q-data-Finance");
        await CheckAsync(page, "q-data-Pii");
        await page.ClickAsync("[data-testid=wizard-next]");
        // Legal: SOX and GDPR.
        await CheckAsync(page, "q-regulation-Sox");
        await CheckAsync(page, "q-regulation-Gdpr");
        await page.ClickAsync("[data-testid=wizard-next]");
        await CheckAsync(page, "q-blast-Enterprise");
        await page.ClickAsync("[data-testid=wizard-next]");
        await page.ClickAsync("[data-testid=wizard-next]");

        await page.WaitForSelectorAsync("[data-testid=tenancy-recommendation]");
        Assert.Equal("Dedicated cluster", (await page.Locator("[data-testid=tenancy-recommendation]").InnerTextAsync()).Trim());
        // Vendor 15 + Finance 12 + GDPR 4 + SOX 5 + enterprise 10.
        Assert.Equal("46", (await page.Locator("[data-testid=tenancy-score]").InnerTextAsync()).Trim());
        Assert.Contains("eggs in one basket", await page.Locator("[data-testid=tenancy-decision-lines]").InnerTextAsync(), StringComparison.Ordinal);
        // general-ledger runs on prod-aks-weu (shared, hard isolation): flagged before anyone approves.
        Assert.Equal(1, await page.Locator("[data-testid=tenancy-mismatch]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("tenancy-wizard-result.png"), FullPage = true });

        await page.ClickAsync("[data-testid=tenancy-submit]");
        // Submitting navigates inside the circuit (history API), so wait for the URL to commit, not for a page load.
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, "/governance/tenancy/\\d+$"),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.WaitForSelectorAsync("[data-testid=tenancy-decision]");
        var url = page.Url;
        Assert.Equal(0, await page.Locator("[data-testid=tenancy-approve]").CountAsync());

        // An analyst approves: the mismatch is now a finding of the Ledger team.
        var analyst = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(analyst, "Security.Analyst");
        await analyst.GotoAsync(url);
        await BrowserAppFixture.WaitForInteractiveAsync(analyst);
        await analyst.ClickAsync("[data-testid=tenancy-approve]");
        await analyst.WaitForSelectorAsync("[data-testid=tenancy-reviewed]");
        Assert.Contains("Approved by Sam Analyst", await analyst.Locator("[data-testid=tenancy-reviewed]").InnerTextAsync(), StringComparison.Ordinal);
        await analyst.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("tenancy-approved.png"), FullPage = true });

        await analyst.GotoAsync("/governance");
        await BrowserAppFixture.WaitForInteractiveAsync(analyst);
        await analyst.WaitForSelectorAsync("[data-testid=overview-mismatches]");
        Assert.True(int.Parse(await analyst.Locator("[data-testid=overview-mismatches]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        await analyst.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("governance-overview.png"), FullPage = true });

        await page.GotoAsync("/findings?q=general-ledger%20runs");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]:has-text('general-ledger runs on prod-aks-weu')", new PageWaitForSelectorOptions { Timeout = 15_000 });
    }
}
