using K8Posture.BrowserTests.Infrastructure;

namespace K8Posture.BrowserTests.Features.Account;

[Collection(BrowserCollection.Name)]
public sealed class SignInFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_sign_in_page()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/findings");
        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal));
        Assert.Contains("returnurl=%2ffindings", page.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(5, await page.Locator("input[name=role]").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "signin.png") });
    }

    [Fact]
    public async Task An_app_team_member_is_told_which_team_they_see_and_cannot_open_admin_pages()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");
        await page.WaitForSelectorAsync("text=Showing team Payments");

        await page.GotoAsync("/admin/api-keys");
        await page.WaitForURLAsync(url => url.Contains("/account/access-denied", StringComparison.Ordinal));
    }
}
