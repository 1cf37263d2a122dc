using System.Diagnostics;
using System.Net;
using System.Text.Json;
using K8Posture.IntegrationTests.Features.Ingestion.Recovery;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace K8Posture.IntegrationTests.Data;

/// <summary>
/// Issue 23: the database lives on a filesystem that fills up during a push (a real one: a small tmpfs mounted for the
/// test, which needs root, as CI runs). SQLite answers SQLITE_FULL; the push gets a 507 problem that says so, its batch
/// is marked failed, no finding of it is left, reads go on, and with room again the same push goes through.
/// </summary>
public sealed class DiskFullFacts
{
    [Fact]
    public async Task A_push_that_fills_the_disk_gets_507_its_batch_fails_no_finding_is_left_and_reads_go_on()
    {
        var mount = Path.Combine(Path.GetTempPath(), "k8posture-full-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount);
        try
        {
            var database = Path.Combine(mount, "k8posture.db");
            using (var app = new K8PostureAppFactory(seedDemo: false, b => b.UseSetting("ConnectionStrings:K8Posture", $"Data Source={database}")))
            {
                var key = await app.CreateApiKeyAsync("ingest,read");
                using var client = app.CreateApiClient(key);
                var cluster = "full-" + Guid.NewGuid().ToString("N")[..8];
                var warmCluster = "warm-" + Guid.NewGuid().ToString("N")[..8];
                var small = await client.PostAsync($"/api/v1/ingest/scans?cluster={warmCluster}", new ByteArrayContent(InterruptedPushRecoveryFacts.OperatorList(["warm"], 2)));
                Assert.True(small.StatusCode == HttpStatusCode.OK, await small.Content.ReadAsStringAsync());

                // Two megabytes of room left: the payload fits, its 20,000 findings do not.
                var used = UsedBytes(mount);
                await RunAsync("mount", "-o", $"remount,size={used + 2 * 1024 * 1024}", mount);
                var report = InterruptedPushRecoveryFacts.OperatorList(Enumerable.Range(0, 400).Select(i => $"app{i}").ToList(), 50);
                var push = await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}", new ByteArrayContent(report));
                var body = await push.Content.ReadAsStringAsync();

                Assert.True(push.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)push.StatusCode}: {body}");
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal("Database storage full", problem.GetProperty("title").GetString());
                Assert.Contains("SQLITE_FULL", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                var batchId = problem.GetProperty("batchId").GetInt64();
                Assert.Equal(3, await SqliteFile.ScalarAsync(database, "SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
                Assert.Equal(1, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM IngestBatches WHERE Id = $id AND Error LIKE '%SQLITE_FULL%'", ("$id", batchId)));
                Assert.Equal(0, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM Findings WHERE ScopeKey = $scope", ("$scope", "cluster:" + cluster)));
                Assert.Equal(0, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM FindingSightings WHERE ScopeKey LIKE $scope", ("$scope", "cluster:" + cluster + "%")));

                // Reads go on while the disk is full.
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/findings")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/ingest/batches")).StatusCode);

                // Room again: the same push goes through.
                await RunAsync("mount", "-o", "remount,size=256m", mount);
                var again = await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}", new ByteArrayContent(report));
                Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
                Assert.Equal(20_000, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM Findings WHERE ScopeKey = $scope AND Status = 0", ("$scope", "cluster:" + cluster)));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await RunAsync("umount", "-l", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    private static long UsedBytes(string folder) =>
        Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error} — this test needs root to mount a small tmpfs.");
    }
}
