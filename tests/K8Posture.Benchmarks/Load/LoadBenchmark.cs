using System.Diagnostics;
using System.Globalization;
using K8Posture.Data;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>load --findings N --viewers V --seconds S</c>: <see cref="LoadRun"/> on the <c>dashboard</c> benchmark's data. The
/// seeded file is kept in the temp folder per size and schema (the newest SQLite migration), so a second run skips seeding.
/// </summary>
internal static class LoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, int>
        {
            ["--findings"] = 1_000_000,
            ["--viewers"] = 20,
            ["--seconds"] = 120,
            ["--push"] = 100_000,
            ["--pods"] = 10_000,
            ["--namespaces"] = 2_000,
            ["--think-ms"] = 1_000,
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!options.ContainsKey(args[i]) || i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || (value <= 0 && args[i] != "--viewers"))
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use {string.Join(", ", options.Keys.Select(k => k + " N"))}.");
                return 2;
            }
            options[args[i]] = value;
        }

        var seeded = await DashboardSeed.CachedDatabaseFileAsync(options["--findings"]);
        // WebApplicationFactory finds the app's content root through MvcTestingAppManifest.json in the current directory.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        var report = await LoadRun.RunAsync(new LoadSettings
        {
            SeededDatabase = seeded,
            Findings = options["--findings"],
            BackgroundSessions = options["--viewers"],
            Seconds = options["--seconds"],
            PushFindings = options["--push"],
            Pods = options["--pods"],
            Namespaces = options["--namespaces"],
            ThinkMilliseconds = options["--think-ms"],
            StartFakeCluster = StartFakeClusterAsync,
            ChromiumPath = ChromiumPath(),
            Progress = Console.Error,
        });
        Console.WriteLine(report.ToJson());
        return 0;
    }

    private static Task<FakeCluster> StartFakeClusterAsync(int pods, int namespaces)
    {
        // In a child process, as a real cluster is: its memory is not the server's.
        var process = CollectBenchmark.StartFakeApi(pods, namespaces, out var address);
        return Task.FromResult(new FakeCluster(address, new ChildProcess(process)));
    }

    private sealed class ChildProcess(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static string ChromiumPath()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Debian's chromium is not installed: run `apt-get install -y chromium`.");
    }
}
