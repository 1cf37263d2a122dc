using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Raci;

/// <summary>The RACI page: an admin edits the demo matrix and saves a version; an app team reads it without an editor.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RaciPageFacts(BrowserAppFixture app)
{
    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    private static async Task<int> ViolationCountAsync(IPage page) =>
        int.Parse(await page.Locator("[data-testid=raci-violation-count]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_admin_fixes_the_demo_RACI_violation_and_saves_a_new_version()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/governance/raci");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        // The demo's deliberate gap: two accountable parties for registry egress.
        await page.WaitForSelectorAsync("[data-testid=raci-violation-count]");
        Assert.Equal(1, await ViolationCountAsync(page));
        Assert.Contains("2 parties are accountable", await page.Locator("[data-testid=activity-registry-egress-golden-images]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("raci-violation.png"), FullPage = true });

        await page.SelectOptionAsync("[data-testid=cell-registry-egress-golden-images-security]", "C");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=raci-violation-count]').textContent.trim() === '0'");
        await page.SelectOptionAsync("[data-testid=cell-secrets-management-app-teams]", "");
        Assert.Equal(0, await ViolationCountAsync(page));

        // The SOC contract ends: removing the vendor leaves central monitoring without anyone responsible until Security takes it.
        await page.ClickAsync("[data-testid=remove-party-msp]");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=raci-violation-count]').textContent.trim() === '1'");
        Assert.Equal(0, await page.Locator("[data-testid=party-msp]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("raci-party-removed.png"), FullPage = true });
        await page.SelectOptionAsync("[data-testid=cell-central-monitoring-siem-security]", "RA");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=raci-violation-count]').textContent.trim() === '0'");

        await page.Locator("[data-testid=raci-comment]").Locator("xpath=descendant-or-self::input").FillAsync("Cloud Platform alone is accountable for registry egress");
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("[data-testid=raci-save]");
        await page.WaitForSelectorAsync("[data-testid=raci-history-version]:text-is('3')", new PageWaitForSelectorOptions { Timeout = 15_000 });
        var diff = await page.Locator("[data-testid=raci-diff]").InnerTextAsync();
        Assert.Contains("Registry egress (docker.io) and golden images × Security Team: A → C", diff, StringComparison.Ordinal);
        Assert.Contains("Secrets management × Application teams: I → —", diff, StringComparison.Ordinal);
        Assert.Contains("Party removed: Managed SOC provider (vendor)", diff, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("raci-saved.png"), FullPage = true });

        // An app team reads the new version with no editor.
        var member = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(member, "AppTeam.Member", "Payments");
        await member.GotoAsync("/governance/raci");
        await BrowserAppFixture.WaitForInteractiveAsync(member);
        await member.WaitForSelectorAsync("[data-testid=raci-history-version]:text-is('3')");
        Assert.Equal(0, await member.Locator("select").CountAsync());
        Assert.Equal(0, await member.Locator("[data-testid=raci-save]").CountAsync());
    }
}
