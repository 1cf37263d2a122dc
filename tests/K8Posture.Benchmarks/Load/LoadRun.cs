using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace K8Posture.Benchmarks;

/// <summary>A Kubernetes API for the collection to read (the fake one), and what stops it.</summary>
internal sealed record FakeCluster(Uri Address, IAsyncDisposable Lifetime) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Lifetime.DisposeAsync();
}

internal sealed record LoadSettings
{
    /// <summary>A seeded SQLite file (<see cref="DashboardSeed"/>); the run works on a copy.</summary>
    public required string SeededDatabase { get; init; }

    public required int Findings { get; init; }

    public int BackgroundSessions { get; init; } = 20;

    public int Seconds { get; init; } = 120;

    public int PushFindings { get; init; } = 100_000;

    public int Pods { get; init; } = 10_000;

    public int Namespaces { get; init; } = 2_000;

    /// <summary>How long a session looks at a page before the next navigation.</summary>
    public int ThinkMilliseconds { get; init; } = 1_000;

    /// <summary>How long the warm-up session stays on each page before counting its charts.</summary>
    public int WarmUpSettleMilliseconds { get; init; } = 3_000;

    public required Func<int, int, Task<FakeCluster>> StartFakeCluster { get; init; }

    public required string ChromiumPath { get; init; }

    public TextWriter Progress { get; init; } = TextWriter.Null;
}

/// <summary>
/// The <c>load</c> benchmark: the real app (Kestrel on loopback, SQLite, the Development environment that local sign-in
/// requires) on a seeded copy; background sessions in Chromium (separate contexts, analysts and app-team members of
/// different teams) cycling landscape → findings with a filter → a cluster page → the team queue with the ApexCharts
/// script replaced by an inert stub, so they cost the server (circuits, queries, render batches) and not this machine's
/// drawing; one measured analyst session that draws everything and times, in the browser, each in-app navigation to its
/// content (every chart's canvas, grid rows). A push through the HTTP ingest endpoint and a cluster collection run alone
/// first, then again while the sessions run. Everything server-side is read in-process (the app's meter, a log provider,
/// a status counter, a circuit handler).
/// </summary>
internal static class LoadRun
{
    private const int NavigationTimeoutMs = 60_000;

    /// <summary>Stands in for the vendored ApexCharts bundle in background sessions: the interop module's calls succeed, nothing is drawn.</summary>
    private const string ApexChartsStub = """
        window.ApexCharts = class {
            constructor() {}
            render() { return Promise.resolve(); }
            updateSeries() { return Promise.resolve(); }
            updateOptions() { return Promise.resolve(); }
            destroy() {}
        };
        """;

    /// <summary>
    /// Marks what is on screen, navigates in the circuit (as a link click does), and resolves with the milliseconds until the
    /// new page's content is there (-1 after the timeout). Content: for the landscape and a cluster page at least the
    /// expected number of chart hosts, each with its drawn canvas when drawing is measured; findings rows (or the
    /// no-findings note); the queue's first section.
    /// </summary>
    private const string NavigateScript = """
        async ({ url, kind, expectedCharts, drawn, timeoutMs }) => {
            const selectors = '.apex-chart, [data-testid=finding-title], [data-testid=findings-none], [data-testid=queue-overdue], [data-testid=cluster-facts], [data-testid=cluster-not-found], [data-testid=landscape-empty]';
            for (const e of document.querySelectorAll(selectors)) e.setAttribute('data-load-old', '');
            const fresh = s => [...document.querySelectorAll(s)].filter(e => !e.hasAttribute('data-load-old'));
            const charts = () => {
                const hosts = fresh('.apex-chart');
                return hosts.length >= expectedCharts && (!drawn || hosts.every(h => h.querySelector('.apexcharts-canvas')));
            };
            const ready = () => {
                switch (kind) {
                    case 'landscape': return fresh('[data-testid=landscape-empty]').length > 0 || charts();
                    case 'findings': return fresh('[data-testid=finding-title]').length > 0 || fresh('[data-testid=findings-none]').length > 0;
                    case 'cluster': return fresh('[data-testid=cluster-not-found]').length > 0 || (fresh('[data-testid=cluster-facts]').length > 0 && charts());
                    default: return fresh('[data-testid=queue-overdue]').length > 0;
                }
            };
            const started = performance.now();
            Blazor.navigateTo(url);
            return await new Promise(resolve => {
                const check = () => {
                    const elapsed = performance.now() - started;
                    if (ready()) resolve(elapsed);
                    else if (elapsed > timeoutMs) resolve(-1);
                    else setTimeout(check, 5);
                };
                check();
            });
        }
        """;

    private const string CountChartsScript = "() => document.querySelectorAll('.apex-chart').length";

    public static async Task<LoadReport> RunAsync(LoadSettings settings)
    {
        var started = Stopwatch.StartNew();
        void Say(string text) => settings.Progress.WriteLine($"load [{started.Elapsed.TotalSeconds:0.0} s]: {text}");
        var loadAtStart = LoadAverage();
        var probes = new ServerProbes();
        await using var factory = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            probes.Install(builder);
            // Every session signs in through the form from one loopback address.
            builder.UseSetting("RateLimits:SignIn:PermitLimit", "100000");
        });
        File.Copy(settings.SeededDatabase, factory.DatabasePath);
        var baseUrl = factory.ServerAddress.ToString().TrimEnd('/');
        using var recorder = new MeterRecorder(factory.Services);
        var work = Path.Combine(factory.DataDirectory, "load");
        Directory.CreateDirectory(work);

        Say("app started");
        var apiKey = await factory.CreateApiKeyAsync("ingest", name: "load-benchmark");
        var report = Path.Combine(work, "push.json");
        await File.WriteAllBytesAsync(report, SyntheticTrivyReport.Build(settings.PushFindings, revision: 0, createdAt: "2026-01-01T00:00:00Z"));
        var warmUpReport = Path.Combine(work, "warm-up.json");
        await File.WriteAllBytesAsync(warmUpReport, SyntheticTrivyReport.Build(Math.Min(2_000, settings.PushFindings), revision: 0, createdAt: "2026-01-01T00:00:00Z"));
        using var api = factory.CreateApiClient(apiKey);
        api.Timeout = TimeSpan.FromMinutes(30);

        await using var fake = await settings.StartFakeCluster(settings.Pods, settings.Namespaces);
        var clusterAlone = await RegisterClusterAsync(factory, "load-collect-alone", fake.Address);
        var clusterUnderLoad = await RegisterClusterAsync(factory, "load-collect-busy", fake.Address);

        // Alone: a warm-up push (JIT, EF's compiled queries), then the push and the collection timed with no session open.
        Say("push and collection alone");
        await PushAsync(api, warmUpReport, "cluster-48");
        var pushAlone = await PushAsync(api, report, "cluster-49");
        var collectAlone = await CollectAsync(factory, clusterAlone);
        Say($"push alone {pushAlone.Seconds:0.0} s, collection alone {collectAlone.Seconds:0.0} s");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = settings.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });

        // One warm-up analyst session through every page: the server's caches, and how many charts each page shows.
        Say("warm-up session");
        var expected = new Dictionary<string, int>();
        await using (var warmUp = await OpenSessionAsync(browser, baseUrl, Roles.SecurityAnalyst, team: null, drawCharts: true))
        {
            foreach (var step in Steps(Roles.SecurityAnalyst, team: null, cycle: 0))
            {
                await Navigate(warmUp.Page, step, expectedCharts: 1, drawn: false);
                await Task.Delay(settings.WarmUpSettleMilliseconds);
                expected[step.Name] = await warmUp.Page.EvaluateAsync<int>(CountChartsScript);
            }
        }
        await WaitForCircuitsAsync(recorder, open: 0);
        var baseline = SettledMemory();

        Say($"opening {settings.BackgroundSessions} background sessions and the measured one");
        probes.CountDisconnects(true);
        probes.TimeCommands(true);
        var sessions = new List<Session>();
        using (var opening = new SemaphoreSlim(4))
        {
            var personas = Enumerable.Range(0, settings.BackgroundSessions).Select(Persona).ToList();
            var opened = await Task.WhenAll(personas.Select(async p =>
            {
                await opening.WaitAsync();
                try
                {
                    return await OpenSessionAsync(browser, baseUrl, p.Role, p.Team, drawCharts: false);
                }
                finally
                {
                    opening.Release();
                }
            }));
            sessions.AddRange(opened);
        }
        var measured = await OpenSessionAsync(browser, baseUrl, Roles.SecurityAnalyst, team: null, drawCharts: true);
        Say("sessions open");

        using var stop = new CancellationTokenSource();
        var background = sessions.Select(s => Task.Run(() => CycleAsync(s, settings.ThinkMilliseconds, expected: null, stop.Token))).ToList();
        // All circuits open and busy: what the server holds for them.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, settings.Seconds / 4.0)));
        var circuitsOpen = CircuitsOpen(recorder);
        var withCircuits = SettledMemory();

        Say($"{circuitsOpen} circuits open; measuring for {settings.Seconds} s with the push and the collection");
        recorder.Measurements.Clear();
        using var sampler = WorkingSetSampler.Start();
        var window = Stopwatch.StartNew();
        var measuring = Task.Run(() => CycleAsync(measured, settings.ThinkMilliseconds, expected, stop.Token));
        var pushUnderLoad = PushAsync(api, report, "cluster-50");
        var collectUnderLoad = CollectAsync(factory, clusterUnderLoad);
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
        var pushed = await pushUnderLoad;
        var collected = await collectUnderLoad;
        // A slow machine may need longer than the window for every session to see every page once; not for ever.
        var cap = TimeSpan.FromSeconds(settings.Seconds * 3 + 60);
        while (sessions.Any(s => s.Cycles == 0) && window.Elapsed < cap)
        {
            await Task.Delay(250);
        }
        Say($"push under load {pushed.Seconds:0.0} s, collection under load {collected.Seconds:0.0} s");
        stop.Cancel();
        await Task.WhenAll(background.Append(measuring));
        window.Stop();
        var peak = sampler.Stop();
        var disconnects = probes.Disconnects;
        probes.CountDisconnects(false);
        probes.TimeCommands(false);
        var serverTimes = recorder.Of("k8posture.page.data_time").ToList();

        foreach (var session in sessions.Append(measured))
        {
            await session.DisposeAsync();
        }

        var backgroundCycles = sessions.Select(s => s.Cycles).ToList();
        return new LoadReport(
            new LoadSetup(settings.Findings, settings.BackgroundSessions, settings.Seconds, settings.ThinkMilliseconds, Environment.ProcessorCount,
                loadAtStart, LoadAverage(), Math.Round(window.Elapsed.TotalSeconds, 1)),
            // Every page the measured session tried, also one that only timed out.
            Steps(Roles.SecurityAnalyst, team: null, cycle: 0).Select(s => s.Name)
                .Where(name => measured.Timings.ContainsKey(name) || measured.TimeoutsOf(name) > 0)
                .ToDictionary(name => name, name => Timing.Of(measured.Timings.TryGetValue(name, out var times) ? times : [], measured.TimeoutsOf(name))),
            new ServerPageTime(
                Timing.Of(serverTimes.Select(m => m.Value * 1000).ToList()),
                serverTimes.GroupBy(m => Convert.ToString(m.Tags.GetValueOrDefault("page.route"), CultureInfo.InvariantCulture) ?? "unknown")
                    .ToDictionary(g => g.Key, g => Timing.Of(g.Select(m => m.Value * 1000).ToList()))),
            Work(settings.PushFindings, pushAlone, pushed),
            Work(settings.Pods, collectAlone, collected),
            new ServerMemory(baseline.WorkingSetMb, withCircuits.WorkingSetMb, circuitsOpen,
                circuitsOpen == 0 ? 0 : Math.Round((withCircuits.WorkingSetMb - baseline.WorkingSetMb) / circuitsOpen, 2),
                circuitsOpen == 0 ? 0 : Math.Round((withCircuits.ManagedMb - baseline.ManagedMb) / circuitsOpen, 2),
                peak),
            new SessionActivity(sessions.Count, backgroundCycles.DefaultIfEmpty(0).Min(), backgroundCycles.Sum(), sessions.Sum(s => s.PageViews),
                sessions.Append(measured).Sum(s => s.Timeouts), sessions.Append(measured).Sum(s => s.Errors)),
            new ErrorCounts(disconnects, probes.ServerErrors, probes.Exceptions, probes.FirstProblems.ToList()),
            probes.SlowestCommands(8));
    }

    private static (string Role, string? Team) Persona(int index) =>
        // Every other one an analyst; the app-team members each of another team, spread over the 200.
        index % 2 == 0 ? (Roles.SecurityAnalyst, null) : (Roles.AppTeamMember, DashboardSeed.TeamName(index * 37 % DashboardSeed.Teams + 1));

    private sealed record Step(string Name, string Url, string Kind);

    private static IEnumerable<Step> Steps(string role, string? team, int cycle)
    {
        var cluster = team is null
            ? $"cluster-{cycle % DashboardSeed.Clusters + 1:00}"
            : DashboardSeed.ClusterOfTeam(int.Parse(team["team-".Length..], CultureInfo.InvariantCulture));
        yield return new Step("landscape", "/", "landscape");
        yield return new Step("findings", "/findings?severity=Critical", "findings");
        yield return new Step("cluster", "/clusters/" + cluster, "cluster");
        yield return new Step("queue", "/remediation", "queue");
    }

    private sealed class Session(IBrowserContext context, IPage page, string role, string? team) : IAsyncDisposable
    {
        public IPage Page { get; } = page;
        public string Role { get; } = role;
        public string? Team { get; } = team;
        public int Cycles;
        public int PageViews;
        public int Timeouts;
        public int Errors;
        public ConcurrentDictionary<string, ConcurrentBag<double>> Timings { get; } = new();
        private readonly ConcurrentDictionary<string, int> _timeouts = new();

        public void Timeout(string page)
        {
            Timeouts++;
            _timeouts.AddOrUpdate(page, 1, (_, n) => n + 1);
        }

        public int TimeoutsOf(string page) => _timeouts.GetValueOrDefault(page);

        public async ValueTask DisposeAsync() => await context.CloseAsync();
    }

    private static async Task<Session> OpenSessionAsync(IBrowser browser, string baseUrl, string role, string? team, bool drawCharts)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        if (!drawCharts)
        {
            await context.RouteAsync("**/lib/apexcharts/**", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/javascript", Body = ApexChartsStub }));
        }
        // A busy two-core machine signs fifty people in slowly.
        context.SetDefaultTimeout(120_000);
        var page = await context.NewPageAsync();
        // The local sign-in form, as a person uses it.
        await page.GotoAsync("/account/signin");
        await page.CheckAsync($"input[name=role][value='{role}']");
        if (team is not null)
        {
            await page.SelectOptionAsync("[data-testid=team-select]", new SelectOptionValue { Label = team });
        }
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("[data-testid=circuit-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 120_000 });
        // Off the landscape, so that the first cycle's first navigation is a real one.
        await Navigate(page, Steps(role, team, cycle: 0).Last(), expectedCharts: 1, drawn: false);
        return new Session(context, page, role, team);
    }

    private static Task<double> Navigate(IPage page, Step step, int expectedCharts, bool drawn) =>
        page.EvaluateAsync<double>(NavigateScript, new { url = step.Url, kind = step.Kind, expectedCharts, drawn, timeoutMs = NavigationTimeoutMs });

    /// <summary>Cycles through the pages until stopped; with <paramref name="expected"/> chart counts, times the drawing too.</summary>
    private static async Task CycleAsync(Session session, int thinkMilliseconds, IReadOnlyDictionary<string, int>? expected, CancellationToken stop)
    {
        for (var cycle = 0; !stop.IsCancellationRequested; cycle++)
        {
            var shown = 0;
            foreach (var step in Steps(session.Role, session.Team, cycle))
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }
                try
                {
                    var charts = expected is null || step.Kind is not ("landscape" or "cluster") ? 1 : Math.Max(1, expected.GetValueOrDefault(step.Name, 1));
                    var elapsed = await Navigate(session.Page, step, charts, drawn: expected is not null);
                    if (elapsed < 0)
                    {
                        session.Timeout(step.Name);
                    }
                    else
                    {
                        session.PageViews++;
                        shown++;
                        session.Timings.GetOrAdd(step.Name, _ => []).Add(elapsed);
                    }
                    await Task.Delay(thinkMilliseconds, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (PlaywrightException)
                {
                    session.Errors++;
                    await Task.Delay(thinkMilliseconds, CancellationToken.None);
                }
            }
            if (shown == 4)
            {
                session.Cycles++;
            }
        }
    }

    private static async Task<int> RegisterClusterAsync(K8PostureAppFactory factory, string name, Uri address) =>
        await factory.AsSystemAsync(async services =>
        {
            var cluster = new Cluster
            {
                Name = name,
                CreatedAt = DateTimeOffset.UtcNow,
                ServerUrl = address.ToString(),
                ConnectionSecretProtected = services.GetRequiredService<ClusterConnections>().Protect(new ClusterConnectionSecret(null, FakeKubernetesApi.DefaultToken, null)),
            };
            await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
            db.Clusters.Add(cluster);
            await db.SaveChangesAsync();
            return cluster.Id;
        });

    private sealed record WorkDone(double Seconds, string Outcome);

    private static async Task<WorkDone> PushAsync(HttpClient api, string reportFile, string cluster)
    {
        var watch = Stopwatch.StartNew();
        await using var body = File.OpenRead(reportFile);
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await api.PostAsync($"/api/v1/ingest/scans?cluster={cluster}&pipeline=load-benchmark", content);
        if (!response.IsSuccessStatusCode)
        {
            return new WorkDone(watch.Elapsed.TotalSeconds, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var outcome = await response.Content.ReadFromJsonAsync<IngestOutcome>();
        watch.Stop();
        return new WorkDone(watch.Elapsed.TotalSeconds, $"{outcome?.Status}: {outcome?.Created} created");
    }

    private static async Task<WorkDone> CollectAsync(K8PostureAppFactory factory, int clusterId)
    {
        var watch = Stopwatch.StartNew();
        var result = await factory.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));
        watch.Stop();
        return new WorkDone(watch.Elapsed.TotalSeconds, result.Succeeded ? $"succeeded: {result.RuleFindings} rule findings" : "failed: " + result.Error);
    }

    private static TimedWork Work(int size, WorkDone alone, WorkDone underLoad) =>
        new(size, Math.Round(alone.Seconds, 2), Math.Round(underLoad.Seconds, 2), alone.Seconds > 0 ? Math.Round(underLoad.Seconds / alone.Seconds, 2) : 0, alone.Outcome, underLoad.Outcome);

    private static long CircuitsOpen(MeterRecorder recorder) => (long)recorder.Of("k8posture.circuits.open").Sum(m => m.Value);

    private static async Task WaitForCircuitsAsync(MeterRecorder recorder, long open)
    {
        for (var waited = 0; waited < 20_000 && CircuitsOpen(recorder) > open; waited += 100)
        {
            await Task.Delay(100);
        }
    }

    private sealed record MemoryNow(double WorkingSetMb, double ManagedMb);

    /// <summary>After a full, compacting collection that gives free memory back, so what remains is what is held.</summary>
    private static MemoryNow SettledMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return new MemoryNow(Math.Round(process.WorkingSet64 / 1024d / 1024d, 1), Math.Round(GC.GetTotalMemory(forceFullCollection: false) / 1024d / 1024d, 1));
    }

    private static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
