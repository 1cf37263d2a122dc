using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Infrastructure;

/// <summary>A person of the local tenant: signs in by typing <see cref="Login"/> on the provider's page.</summary>
public sealed record EntraUser(string Login, string ObjectId, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, bool Overage = false);

/// <summary>A pipeline's app registration: client credentials, its service principal and the app roles it was granted.</summary>
public sealed record EntraPipeline(string ClientId, string ClientSecret, string ObjectId, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>
/// The app in <c>Auth:Mode=EntraId</c> against a real OpenID Connect provider on loopback (tests/oidc-provider,
/// npm oidc-provider shaped like Entra ID's v2.0 endpoint, with a Microsoft Graph stub), over a fresh SQLite
/// file without demo data, and Debian's Chromium. Each fixture has its own tenant, app registration, people and pipelines.
/// </summary>
public sealed partial class EntraAppFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _providerOutput = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _configFile = Path.Combine(Path.GetTempPath(), "k8p-oidc-" + Guid.NewGuid().ToString("N") + ".json");
    private Process? _provider;
    private K8PostureAppFactory? _factory;
    private IPlaywright? _playwright;

    public string TenantId { get; } = Guid.NewGuid().ToString();
    public string ClientId { get; } = Guid.NewGuid().ToString();
    public string ClientSecret { get; } = "web-" + Guid.NewGuid().ToString("N");

    /// <summary>Entra groups; each test maps the ones it needs to its own teams.</summary>
    public string MemberGroupId { get; } = Guid.NewGuid().ToString();
    public string OtherTeamGroupId { get; } = Guid.NewGuid().ToString();
    public string OverageGroupId { get; } = Guid.NewGuid().ToString();
    public string LeadGroupId { get; } = Guid.NewGuid().ToString();
    /// <summary>Groups nobody maps to a team (everyone is in a few of those).</summary>
    public IReadOnlyList<string> UnmappedGroupIds { get; } = [.. Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString())];

    public EntraUser Admin { get; }
    public EntraUser Member { get; }
    public EntraUser NoRole { get; }
    /// <summary>In more groups than fit a token: the ID token names Graph instead of carrying <c>groups</c>.</summary>
    public EntraUser Overage { get; }
    /// <summary>The app-team member of the end-to-end set-up (its group is mapped by the imported organisation).</summary>
    public EntraUser TeamLead { get; }

    /// <summary>Registered in K8Posture as a pipeline identity when a test binds it to a team.</summary>
    public EntraPipeline TeamPipeline { get; } = new(Guid.NewGuid().ToString(), "p1-" + Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString(), "payments-ci", ["Pipeline.Ingest"]);
    /// <summary>Never registered in K8Posture: an organisation-wide pipeline, like a key without a team.</summary>
    public EntraPipeline OrganisationPipeline { get; } = new(Guid.NewGuid().ToString(), "p2-" + Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString(), "security-ci", ["Pipeline.Ingest"]);

    public EntraAppFixture()
    {
        var domain = "contoso-" + TenantId[..8] + ".test";
        Admin = new($"adaeze.okafor@{domain}", Guid.NewGuid().ToString(), "Adaeze Okafor", ["Security.Admin"], []);
        Member = new($"mateo.rossi@{domain}", Guid.NewGuid().ToString(), "Mateo Rossi", ["AppTeam.Member"], [MemberGroupId, UnmappedGroupIds[0]]);
        NoRole = new($"nadia.novak@{domain}", Guid.NewGuid().ToString(), "Nadia Novak", [], [UnmappedGroupIds[1]]);
        Overage = new($"olu.adeyemi@{domain}", Guid.NewGuid().ToString(), "Olu Adeyemi", ["AppTeam.Member"], [.. UnmappedGroupIds, OverageGroupId], Overage: true);
        TeamLead = new($"priya.shah@{domain}", Guid.NewGuid().ToString(), "Priya Shah", ["AppTeam.Member"], [LeadGroupId]);
    }

    public K8PostureAppFactory App => _factory ?? throw new InvalidOperationException("The fixture is not initialised.");
    public string BaseUrl { get; private set; } = "";
    /// <summary>http://127.0.0.1:port/tenant/v2.0, exactly as Entra's v2.0 issuer is shaped.</summary>
    public string Issuer { get; private set; } = "";
    public string GraphBaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>What the provider printed (sign-ins, tokens, end_session with or without id_token_hint, Graph calls).</summary>
    public IReadOnlyList<string> ProviderOutput => [.. _providerOutput];

    public async Task InitializeAsync()
    {
        await StartProviderAsync();
        var instance = Issuer[..Issuer.IndexOf("/" + TenantId, StringComparison.Ordinal)] + "/";
        _factory = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Auth:Mode", "EntraId");
            builder.UseSetting("AzureAd:Instance", instance);
            builder.UseSetting("AzureAd:TenantId", TenantId);
            builder.UseSetting("AzureAd:ClientId", ClientId);
            builder.UseSetting("AzureAd:ClientSecret", ClientSecret);
            builder.UseSetting("AzureAd:CallbackPath", "/signin-oidc");
            builder.UseSetting("AzureAd:SignedOutCallbackPath", "/signout-callback-oidc");
            builder.UseSetting("AzureAd:RequireHttpsMetadata", "false");
            // Identity.Web's Entra issuer validator reads the metadata again over https only; on http the documented
            // override names the one issuer to accept.
            builder.UseSetting("AzureAd:ValidIssuer", Issuer);
            builder.UseSetting("Graph:BaseUrl", GraphBaseUrl);
        });
        BaseUrl = _factory.ServerAddress.ToString().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserAppFixture.ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (no cookies, neither the app's nor the provider's).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// The whole round trip: the app sends the browser to the provider's authorize endpoint, the person types their
    /// user name on the provider's sign-in page, and the provider form-posts the ID token back to /signin-oidc.
    /// Returns once the browser is back on the app (any page but the callback).
    /// </summary>
    public async Task SignInAsync(IPage page, EntraUser user, string path = "/")
    {
        await page.GotoAsync(path);
        await ContinueToProviderAsync(page);
        await page.FillAsync("#login", user.Login);
        await page.ClickAsync("#signin-next");
        await page.WaitForURLAsync(url => url.StartsWith(BaseUrl, StringComparison.Ordinal) && !url.Contains("/signin-oidc", StringComparison.Ordinal), new() { Timeout = 30_000 });
    }

    /// <summary>From an app page that asks to sign in (or a direct challenge) to the provider's sign-in form.</summary>
    public async Task ContinueToProviderAsync(IPage page)
    {
        var providerLogin = page.Locator("#login");
        var appSignIn = page.Locator("a:has-text('Sign in with Microsoft'), button:has-text('Sign in with Microsoft')");
        await providerLogin.Or(appSignIn).First.WaitForAsync(new() { Timeout = 30_000 });
        if (!await providerLogin.IsVisibleAsync())
        {
            await appSignIn.First.ClickAsync();
            await providerLogin.WaitForAsync(new() { Timeout = 30_000 });
        }
        Assert.StartsWith(Issuer + "/login/", page.Url, StringComparison.Ordinal);
    }

    /// <summary>A client-credentials access token for the app's API, asked for as Entra's v2.0 endpoint expects it.</summary>
    public Task<string> PipelineTokenAsync(EntraPipeline pipeline) => TokenAsync(pipeline.ClientId, pipeline.ClientSecret, $"api://{ClientId}/.default");

    /// <summary>The web app's own token for Microsoft Graph (what the app asks for to resolve overage).</summary>
    public Task<string> GraphTokenAsync() => TokenAsync(ClientId, ClientSecret, "https://graph.microsoft.com/.default");

    private async Task<string> TokenAsync(string clientId, string clientSecret, string scope)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(Issuer + "/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["scope"] = scope,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Maps Entra groups to teams straight in the database (what the organisation pages and API do), and forgets the cached map.</summary>
    public async Task MapGroupAsync(int teamId, string groupId, string displayName)
    {
        await App.WithDbAsync(async db =>
        {
            db.TeamGroups.Add(new TeamGroup { TeamId = teamId, EntraGroupId = groupId, DisplayName = displayName });
            return await db.SaveChangesAsync();
        });
        App.Services.GetRequiredService<IMemoryCache>().Remove(OrganisationService.TeamGroupsCacheKey);
    }

    /// <summary>Registers a pipeline's app id as acting for a team (null: the whole organisation).</summary>
    public async Task RegisterPipelineAsync(EntraPipeline pipeline, int? teamId)
    {
        await App.WithDbAsync(async db =>
        {
            db.PipelineIdentities.Add(new PipelineIdentity
            {
                EntraId = pipeline.ClientId.ToLowerInvariant(),
                DisplayName = pipeline.DisplayName,
                TeamId = teamId,
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "system:tests",
            });
            return await db.SaveChangesAsync();
        });
        App.Services.GetRequiredService<IMemoryCache>().Remove(OrganisationService.PipelineIdentitiesCacheKey);
    }

    /// <summary>Pushes a scanner report with a bearer (pipeline key or Entra token).</summary>
    public async Task<HttpResponseMessage> PushScanAsync(string bearer, string fixture, string query)
    {
        using var client = App.CreateApiClient(bearer);
        return await client.PostAsync("/api/v1/ingest/scans?" + query, new ByteArrayContent(TestFixtures.Read(fixture)));
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri?.PathAndQuery}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)!;
    }

    private static string ProviderFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "oidc-provider");
            if (File.Exists(Path.Combine(candidate, "server.js")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("tests/oidc-provider/server.js was not found above " + AppContext.BaseDirectory);
    }

    private static string Node => Environment.GetEnvironmentVariable("NODE") is { Length: > 0 } node ? node : "node";

    private static async Task EnsureInstalledAsync(string folder)
    {
        if (Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            return;
        }
        // tests/run.sh installs it; this keeps a bare `dotnet test` working on a fresh clone too.
        var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started; install Node.js 20 or later.");
        var stderr = npm.StandardError.ReadToEndAsync();
        _ = npm.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed: {await stderr}");
        }
    }

    private async Task StartProviderAsync()
    {
        var folder = ProviderFolder();
        await EnsureInstalledAsync(folder);
        await File.WriteAllTextAsync(_configFile, JsonSerializer.Serialize(ProviderConfiguration(), ConfigJson));

        var start = new ProcessStartInfo(Node)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "server.js", "--port", "0", "--config", _configFile })
        {
            start.ArgumentList.Add(argument);
        }
        // If the test host dies, the provider's stdin closes and it stops; no orphan keeps a port.
        start.Environment["OIDC_EXIT_ON_STDIN_CLOSE"] = "1";
        _provider = new Process { StartInfo = start };
        _provider.OutputDataReceived += (_, e) => Record(e.Data);
        _provider.ErrorDataReceived += (_, e) => Record(e.Data);
        if (!_provider.Start())
        {
            throw new InvalidOperationException("node could not be started; install Node.js 20 or later.");
        }
        _provider.BeginOutputReadLine();
        _provider.BeginErrorReadLine();

        // Node loads oidc-provider in a few seconds when idle; 2 minutes covers a CI machine busy with the other suites.
        var ready = await _ready.Task.WaitAsync(TimeSpan.FromMinutes(2))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new InvalidOperationException("The OIDC provider did not start:\n" + string.Join('\n', _providerOutput)), TaskScheduler.Default);
        var match = ReadyLine().Match(ready);
        Issuer = match.Groups["issuer"].Value;
        GraphBaseUrl = match.Groups["graph"].Value;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        _providerOutput.Enqueue(line);
        if (ReadyLine().IsMatch(line))
        {
            _ready.TrySetResult(line);
        }
    }

    [GeneratedRegex(@"^oidc-provider ready issuer=(?<issuer>\S+) graph=(?<graph>\S+) port=\d+$")]
    private static partial Regex ReadyLine();

    private static readonly JsonSerializerOptions ConfigJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private object ProviderConfiguration() => new
    {
        Tenant = TenantId,
        GraphPageSize = 2,
        Clients = new object[]
        {
            new
            {
                Kind = "web",
                ClientId,
                ClientSecret,
                // Loopback: the provider matches these on any port (the app's port is known only once it runs).
                RedirectUris = new[] { "http://127.0.0.1/signin-oidc" },
                PostLogoutRedirectUris = new[] { "http://127.0.0.1/signout-callback-oidc" },
                ObjectId = Guid.NewGuid().ToString(),
                DisplayName = "K8Posture",
                GraphRoles = new[] { "GroupMember.Read.All" },
            },
            Pipeline(TeamPipeline),
            Pipeline(OrganisationPipeline),
        },
        Users = new[] { Admin, Member, NoRole, Overage, TeamLead }.Select(u => new
        {
            u.Login,
            Oid = u.ObjectId,
            u.Name,
            u.Roles,
            u.Groups,
            Overage = u.Overage ? true : (bool?)null,
        }),
    };

    private object Pipeline(EntraPipeline pipeline) => new
    {
        Kind = "pipeline",
        pipeline.ClientId,
        pipeline.ClientSecret,
        pipeline.ObjectId,
        pipeline.DisplayName,
        pipeline.Roles,
        Audience = ClientId,
    };

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
        if (_provider is { HasExited: false })
        {
            _provider.Kill(entireProcessTree: true);
            await _provider.WaitForExitAsync();
        }
        _provider?.Dispose();
        File.Delete(_configFile);
    }
}

/// <summary>One provider and one app shared by the Entra sign-in and pipeline-token facts.</summary>
[CollectionDefinition(Name)]
public sealed class EntraCollection : ICollectionFixture<EntraAppFixture>
{
    public const string Name = "entra";
}
