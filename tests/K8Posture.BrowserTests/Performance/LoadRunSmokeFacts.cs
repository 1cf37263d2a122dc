using System.Diagnostics;
using System.Text.Json;
using K8Posture.Benchmarks;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace K8Posture.BrowserTests.Performance;

/// <summary>The <c>load</c> benchmark's run, small: two background sessions for 10 s on 2,000 findings, a small push and collection.</summary>
[Collection(LoadRunCollection.Name)]
public sealed class LoadRunSmokeFacts(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_load_run_cycles_every_session_and_reports_every_figure_without_errors()
    {
        var watch = Stopwatch.StartNew();
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-load-smoke-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var seeded = Path.Combine(folder, "seed.db");
            await DashboardSeed.CreateDatabaseFileAsync(seeded, findings: 2_000, snapshotDays: 3);
            output.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:0.0} s");
            using var progress = new StringWriter();
            var report = await LoadRun.RunAsync(new LoadSettings
            {
                SeededDatabase = seeded,
                Findings = 2_000,
                BackgroundSessions = 2,
                Seconds = 10,
                PushFindings = 2_000,
                Pods = 50,
                Namespaces = 10,
                ThinkMilliseconds = 200,
                WarmUpSettleMilliseconds = 500,
                StartFakeCluster = async (pods, namespaces) =>
                {
                    var api = await new FakeKubernetesApi().AddPods(pods, namespaces).StartAsync();
                    return new FakeCluster(api.Address, api);
                },
                ChromiumPath = BrowserAppFixture.ChromiumPath(),
                Progress = progress,
            });
            output.WriteLine(progress.ToString());
            var json = report.ToJson();
            output.WriteLine(json);
            output.WriteLine($"took {watch.Elapsed.TotalSeconds:0.0} s");

            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            foreach (var field in new[] { "setup", "measuredSession", "serverPageTime", "push", "collection", "memory", "sessions", "errors" })
            {
                Assert.True(root.TryGetProperty(field, out _), $"the report has no {field}");
            }
            Assert.NotEmpty(root.GetProperty("measuredSession").EnumerateObject());
            foreach (var page in root.GetProperty("measuredSession").EnumerateObject())
            {
                Assert.True(page.Value.GetProperty("p95Ms").GetDouble() > 0, $"{page.Name}: no in-browser time");
            }
            Assert.True(root.GetProperty("serverPageTime").GetProperty("all").GetProperty("count").GetInt32() > 0, "the app's meter recorded no page view");
            Assert.StartsWith("processed: 2000 created", root.GetProperty("push").GetProperty("outcomeUnderLoad").GetString());
            Assert.StartsWith("succeeded", root.GetProperty("collection").GetProperty("outcomeUnderLoad").GetString());
            Assert.True(root.GetProperty("push").GetProperty("secondsAlone").GetDouble() > 0);
            Assert.True(root.GetProperty("memory").GetProperty("circuitsOpen").GetInt64() >= 3, "two background sessions and the measured one hold a circuit each");
            Assert.True(root.GetProperty("memory").GetProperty("peakWorkingSetMb").GetDouble() > 0);
            Assert.True(root.GetProperty("sessions").GetProperty("minCycles").GetInt32() >= 1, "a background session did not get through one cycle");

            var errors = root.GetProperty("errors");
            Assert.Equal(0, errors.GetProperty("circuitDisconnects").GetInt32());
            Assert.Equal(0, errors.GetProperty("serverErrors5xx").GetInt32());
            Assert.True(errors.GetProperty("exceptionsLogged").GetInt32() == 0, "exceptions logged: " + errors.GetProperty("firstProblems"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}

/// <summary>The load run starts its own app and browser; alone in its collection so it shares neither.</summary>
[CollectionDefinition(Name)]
public sealed class LoadRunCollection
{
    public const string Name = "load-run";
}
