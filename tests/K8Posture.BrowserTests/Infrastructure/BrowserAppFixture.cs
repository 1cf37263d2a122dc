using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Infrastructure;

/// <summary>
/// The real app on Kestrel (loopback, random port) over a SQLite file with the demo landscape,
/// and Debian's Chromium driven by Playwright.
/// </summary>
public class BrowserAppFixture : IAsyncLifetime
{
    private readonly bool _seedDemo;
    private K8PostureAppFactory? _factory;
    private IPlaywright? _playwright;

    public BrowserAppFixture() : this(seedDemo: true)
    {
    }

    /// <param name="seedDemo">False: an empty database, as production starts (Demo:Seed=false).</param>
    protected BrowserAppFixture(bool seedDemo) => _seedDemo = seedDemo;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The app under test, for what a test sets up through the server side (e.g. a pipeline key).</summary>
    public K8PostureAppFactory App => _factory ?? throw new InvalidOperationException("The fixture is not initialised.");
    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public async Task InitializeAsync()
    {
        _factory = new K8PostureAppFactory(seedDemo: _seedDemo);
        BaseUrl = _factory.ServerAddress.ToString().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public Task<IPage> NewPageAsync() => NewPageAsync(1440, 900);

    /// <summary>A page in a window of the given size (the rough-edge checks run at 1440 × 900 and 1920 × 1080).</summary>
    public async Task<IPage> NewPageAsync(int width, int height)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the page's Blazor circuit is connected, so typing and clicking reach the server.</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("[data-testid=circuit-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>Signs in through the real local sign-in form.</summary>
    public static async Task SignInAsync(IPage page, string role, string? team = null)
    {
        await page.GotoAsync("/account/signin");
        await page.CheckAsync($"input[name=role][value='{role}']");
        if (team is not null)
        {
            await page.SelectOptionAsync("[data-testid=team-select]", new SelectOptionValue { Label = team });
        }
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal));
    }

    /// <summary>Opens the findings explorer with <paramref name="query"/> and the detail drawer of its first finding.</summary>
    public static async Task OpenFirstFindingAsync(IPage page, string query)
    {
        await page.GotoAsync("/findings?" + query);
        await WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.Locator("[data-testid=finding-title]").First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=finding-evidence]", new PageWaitForSelectorOptions { Timeout = 15_000 });
    }

    internal static string ChromiumPath()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Debian's chromium is not installed: run `apt-get install -y chromium` (tests/run.sh does it).");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "browser";
}
