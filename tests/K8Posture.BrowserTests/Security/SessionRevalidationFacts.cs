using K8Posture.BrowserTests.Infrastructure;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Security;

/// <summary>An open page (a live Blazor circuit) ends when its session is signed out elsewhere.</summary>
public sealed class SessionRevalidationFacts : IAsyncLifetime
{
    private readonly K8PostureAppFactory _app = new(seedDemo: false, builder => builder.UseSetting("Sessions:CircuitRevalidationInterval", "00:00:02"));
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserAppFixture.ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Signing_out_in_one_tab_ends_the_page_open_in_another()
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = _app.ServerAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1440, Height = 900 } });
        var open = await context.NewPageAsync();
        await BrowserAppFixture.SignInAsync(open, "Security.Analyst");
        await open.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(open);

        var other = await context.NewPageAsync();
        await other.GotoAsync("/account/confirm-sign-out");
        await other.ClickAsync("[data-testid=signout-button]");
        await other.WaitForURLAsync(url => url.EndsWith("/account/signed-out", StringComparison.Ordinal));

        // No navigation, no click on the open page: its circuit re-checks the session and sends it to sign-in.
        await open.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal), new() { Timeout = 20_000 });
        Assert.Contains("returnUrl=%2Ffindings", open.Url, StringComparison.Ordinal);
        await open.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "session-ended.png") });
    }
}
