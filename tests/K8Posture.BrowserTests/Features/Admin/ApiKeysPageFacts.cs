using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Admin;

[Collection(BrowserCollection.Name)]
public sealed class ApiKeysPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task An_admin_creates_a_key_sees_it_once_and_revokes_it()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/admin/api-keys");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        var name = "browser-" + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("[data-testid=key-name]").Locator("xpath=descendant-or-self::input").FillAsync(name);
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("[data-testid=key-create]");
        var secret = await page.Locator("[data-testid=key-secret]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 15_000 });
        Assert.StartsWith("k8p_", secret, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "api-keys.png"), FullPage = true });

        var row = page.Locator("tr", new PageLocatorOptions { HasTextString = name });
        Assert.Contains(secret[..12], await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await row.InnerTextAsync(), StringComparison.Ordinal);

        // Reloading the page never shows the secret again.
        await page.ReloadAsync();
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync($"tr:has-text('{name}')");
        Assert.Equal(0, await page.Locator("[data-testid=key-secret]").CountAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.Locator($"tr:has-text('{name}') >> text=Revoke").ClickAsync();
        await page.Locator(".mud-dialog >> text=Revoke").Last.ClickAsync();
        await page.WaitForSelectorAsync($"tr:has-text('{name}') >> text=revoked");
    }

    [Fact]
    public async Task A_team_key_cannot_be_given_the_admin_scope()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/admin/api-keys");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        var admin = page.Locator("[data-testid=key-scope-admin]").Locator("xpath=descendant-or-self::input");
        await admin.CheckAsync();
        Assert.True(await admin.IsCheckedAsync());

        var name = "team-" + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("[data-testid=key-name]").Locator("xpath=descendant-or-self::input").FillAsync(name);
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("[data-testid=key-team]");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Ledger')");

        // Choosing a team takes the admin scope away and keeps it away.
        await Assertions.Expect(admin).ToBeDisabledAsync();
        Assert.False(await admin.IsCheckedAsync());
        await Assertions.Expect(page.Locator("[data-testid=key-admin-note]")).ToContainTextAsync("Security Team");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "api-keys-team.png"), FullPage = true });

        await page.ClickAsync("[data-testid=key-create]");
        Assert.StartsWith("k8p_", await page.Locator("[data-testid=key-secret]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 15_000 }), StringComparison.Ordinal);
        var cells = page.Locator("tr", new PageLocatorOptions { HasTextString = name }).Locator("td");
        Assert.Equal("ingest", (await cells.Nth(2).InnerTextAsync()).Trim());
        Assert.Equal("Ledger", (await cells.Nth(3).InnerTextAsync()).Trim());
    }
}
