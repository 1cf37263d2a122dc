using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Rules;

[Collection(BrowserCollection.Name)]
public sealed class RulesPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task The_rules_page_marks_the_references_it_is_proved_to_agree_with()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.GotoAsync("/rules");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var search = page.Locator("[data-testid=rules-search]").Locator("xpath=descendant-or-self::input");

        await search.FillAsync("K8P-NET-003");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=rules-table] tbody tr').length === 1");
        var agrees = page.Locator("[data-testid=rules-table] [data-testid=rule-agrees]");
        Assert.Equal(1, await agrees.CountAsync());
        Assert.StartsWith("kube-score:pod-networkpolicy · ", (await agrees.InnerTextAsync()).Trim(), StringComparison.Ordinal);

        // kube-score's user/group id check is two of our rules together; kubesec's ApparmorAny is a documented difference.
        await search.FillAsync("ApparmorAny");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=rules-table] [data-testid=rule-differs]').length === 1");
        Assert.Contains("kubesec:ApparmorAny", await page.Locator("[data-testid=rule-differs]").InnerTextAsync(), StringComparison.Ordinal);

        await search.FillAsync("user-group-id");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=rules-table] tbody tr').length === 2");
        Assert.Equal(2, await page.Locator("[data-testid=rules-table] [data-testid=rule-agrees]:has-text('kube-score:container-security-context-user-group-id')").CountAsync());
        await page.Locator("[data-testid=rule-agrees]").First.HoverAsync();
        await page.WaitForSelectorAsync(".mud-tooltip:has-text('together with')");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "rules-agreement.png"), FullPage = true });
    }
}
