using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Account;

[Collection(BrowserCollection.Name)]
public sealed class UserMenuFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task A_mouse_click_on_the_user_chip_opens_the_menu_and_its_sign_out_posts_and_lands_on_the_signed_out_page()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await BrowserAppFixture.WaitForInteractiveAsync(page);

        var activator = page.Locator("[data-testid=user-menu] button").First;
        await Assertions.Expect(activator).ToContainTextAsync("Sam Analyst");
        var signOut = page.Locator("[data-testid=signout-button]");
        await Assertions.Expect(signOut).ToBeHiddenAsync();

        // A real mouse click at the chip's centre, as a person does (not Enter, not a dispatched event).
        var box = (await activator.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await Assertions.Expect(signOut).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByText("Sees all teams")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "user-menu.png") });

        var request = page.WaitForRequestAsync(r => r.Url.EndsWith("/account/signout", StringComparison.Ordinal));
        await signOut.ClickAsync();
        var post = await request;
        Assert.Equal("POST", post.Method);
        Assert.Contains("__RequestVerificationToken=", post.PostData, StringComparison.Ordinal);
        await page.WaitForURLAsync(url => url.EndsWith("/account/signed-out", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("You are signed out")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "signed-out.png") });

        await page.GotoAsync("/findings");
        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal));
    }
}
