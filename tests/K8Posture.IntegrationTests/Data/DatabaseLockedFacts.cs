using System.Net;
using System.Text.Json;
using K8Posture.IntegrationTests.Features.Ingestion.Recovery;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace K8Posture.IntegrationTests.Data;

/// <summary>
/// Issue 23: another process holds the SQLite file's write lock (<c>BEGIN EXCLUSIVE</c>, as a backup tool or the sqlite3
/// shell can). /readyz says 503 and why; a push answers 503 with Retry-After and stores nothing; reads keep working; once
/// the lock goes, everything works again by itself.
/// </summary>
public sealed class DatabaseLockedFacts
{
    [Fact]
    public async Task While_another_process_holds_the_lock_pushes_get_503_with_retry_after_and_nothing_is_stored_and_then_it_recovers()
    {
        using var app = new K8PostureAppFactory(seedDemo: false, b => b.UseSetting("Database:SqliteBusyTimeoutSeconds", "2"));
        var key = await app.CreateApiKeyAsync("ingest,read");
        using var client = app.CreateApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/findings")).StatusCode);
        var cluster = "locked-" + Guid.NewGuid().ToString("N")[..8];
        var report = InterruptedPushRecoveryFacts.OperatorList(["web", "api"], 5);
        var batchesBefore = await app.ScalarAsync("SELECT count(*) FROM IngestBatches");

        await using (var otherProcess = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
        {
            await otherProcess.OpenAsync();
            await using (var exclusive = otherProcess.CreateCommand())
            {
                exclusive.CommandText = "BEGIN EXCLUSIVE";
                await exclusive.ExecuteNonQueryAsync();
            }

            var ready = await client.GetAsync("/readyz");
            var readyBody = await ready.Content.ReadAsStringAsync();
            Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)ready.StatusCode}: {readyBody}");
            Assert.Contains("locked by another process", readyBody, StringComparison.Ordinal);

            var push = await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}", new ByteArrayContent(report));
            var problem = JsonDocument.Parse(await push.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, push.StatusCode);
            Assert.Equal("application/problem+json", push.Content.Headers.ContentType?.MediaType);
            Assert.True(push.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
            Assert.Equal("Database unavailable", problem.GetProperty("title").GetString());
            Assert.Contains("locked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

            // Reads go on (WAL): the findings list answers while the lock is held, and shows nothing of the refused push.
            var findings = await client.GetAsync($"/api/v1/findings?q={cluster}");
            Assert.Equal(HttpStatusCode.OK, findings.StatusCode);

            await using var rollback = otherProcess.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        // Nothing half-written: no batch, no finding of the refused push.
        Assert.Equal(batchesBefore, await app.ScalarAsync("SELECT count(*) FROM IngestBatches"));
        Assert.Equal(0, await app.ScalarAsync("SELECT count(*) FROM Findings WHERE ScopeKey = $scope", ("$scope", "cluster:" + cluster)));

        // The lock is gone: ready again, and the same push goes through, without anyone restarting anything.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        var again = await client.PostAsync($"/api/v1/ingest/scans?cluster={cluster}", new ByteArrayContent(report));
        Assert.True(again.StatusCode == HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        Assert.Equal(10, await app.ScalarAsync("SELECT count(*) FROM Findings WHERE ScopeKey = $scope AND Status = 0", ("$scope", "cluster:" + cluster)));
    }
}
