using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace K8Posture.IntegrationTests.Features.Ingestion.Recovery;

/// <summary>
/// Issue 23: the app's process is killed (SIGKILL) in the middle of a push and started again on the same database. The
/// push's batch, left Received with its payload, is processed again at start as it was sent — by the team's key, so
/// confined to that team, and complete=true, so report objects it lacks close — and ends as an uninterrupted push would.
/// </summary>
public sealed class InterruptedPushRecoveryFacts
{
    private const int Workloads = 400;
    private const int VulnerabilitiesEach = 50;

    [Fact]
    public async Task A_push_killed_mid_write_is_processed_again_at_restart_with_its_caller_confinement_and_completeness()
    {
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "k8posture.db");
        try
        {
            var migrated = await OperatorBinary.RunAsync(folder, null, "migrate");
            Assert.True(migrated.ExitCode == 0, migrated.Stderr);
            await SqliteFile.ExecuteAsync(database, "INSERT INTO Teams (Name) VALUES ('payments')");
            var teamId = await SqliteFile.ScalarAsync(database, "SELECT Id FROM Teams WHERE Name = 'payments'");
            var orgKey = await CreateKeyAsync(folder, "org-scanner");
            var teamKey = await CreateKeyAsync(folder, "payments-scanner", "--team", "payments");
            var cluster = "kill-" + Guid.NewGuid().ToString("N")[..8];
            var scope = "cluster:" + cluster;

            long batchId;
            await using (var app = await AppProcess.StartAsync(folder))
            {
                // An earlier push of the whole cluster by the Security Team's key: one workload nobody owns.
                using var org = app.CreateClient(orgKey);
                var first = await org.PostAsync($"/api/v1/ingest/scans?cluster={cluster}&complete=true", new ByteArrayContent(OperatorList(["lonely"], 3)));
                Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());

                // The team's complete push of 400 other workloads; the process dies while it writes.
                using var team = app.CreateClient(teamKey);
                var payload = OperatorList(Enumerable.Range(0, Workloads).Select(i => $"app{i}").ToList(), VulnerabilitiesEach);
                var push = team.PostAsync($"/api/v1/ingest/scans?cluster={cluster}&complete=true", new ByteArrayContent(payload));
                batchId = await WaitForReceivedBatchAsync(database, "payments-scanner");
                await app.KillAsync();
                await Assert.ThrowsAnyAsync<Exception>(() => push);
            }

            // Killed mid-write: the transaction rolled back, the batch stayed Received with its payload.
            Assert.Equal("Received", StatusName(await SqliteFile.ScalarAsync(database, "SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId))));
            Assert.Equal(0, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM Findings WHERE LastBatchId = $id", ("$id", batchId)));

            await using (var restarted = await AppProcess.StartAsync(folder))
            {
                await WaitUntilAsync(async () => StatusName(await SqliteFile.ScalarAsync(database, "SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId))) != "Received",
                    () => "the interrupted batch is still Received after restart: " + restarted.Output);

                Assert.Equal("Processed", StatusName(await SqliteFile.ScalarAsync(database, "SELECT Status FROM IngestBatches WHERE Id = $id", ("$id", batchId))));
                Assert.Equal(1, await SqliteFile.ScalarAsync(database, "SELECT RecoveryAttempts FROM IngestBatches WHERE Id = $id AND RecoveredAt IS NOT NULL", ("$id", batchId)));
                Assert.Equal(Workloads * VulnerabilitiesEach, await SqliteFile.ScalarAsync(database, "SELECT Created FROM IngestBatches WHERE Id = $id", ("$id", batchId)));
                // The team's findings, each once, owned by the team.
                Assert.Equal(Workloads * VulnerabilitiesEach, await SqliteFile.ScalarAsync(database,
                    "SELECT count(*) FROM Findings WHERE ScopeKey = $scope AND Status = 0 AND OwnerTeamId = $team", ("$scope", scope), ("$team", teamId)));
                Assert.Equal(Workloads * VulnerabilitiesEach + 3, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM Findings WHERE ScopeKey = $scope", ("$scope", scope)));
                // complete=true survived: the workload the push lacks closed; the team key's confinement survived: closing them made them the team's.
                Assert.Equal(3, await SqliteFile.ScalarAsync(database,
                    "SELECT count(*) FROM Findings WHERE ScopeKey = $scope AND ResourceName LIKE 'lonely%' AND Status <> 0 AND OwnerTeamId = $team", ("$scope", scope), ("$team", teamId)));
                // Done as the key that pushed, and the Ingestion API shows the batch as recovered.
                Assert.Equal(1, await SqliteFile.ScalarAsync(database, "SELECT count(*) FROM AuditEvents WHERE Action = 'ingest.scans' AND EntityId = $id AND Actor LIKE '%payments-scanner%'", ("$id", batchId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                using var org = restarted.CreateClient(orgKey);
                var listed = await org.GetFromJsonAsync<JsonElement>("/api/v1/ingest/batches?pageSize=10");
                var row = listed.GetProperty("items").EnumerateArray().Single(b => b.GetProperty("id").GetInt64() == batchId);
                Assert.Equal(JsonValueKind.String, row.GetProperty("recoveredAt").ValueKind);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
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

    /// <summary>The statuses are stored as their enum number.</summary>
    private static string StatusName(long status) => ((K8Posture.Data.IngestStatus)status).ToString();

    private static async Task<string> CreateKeyAsync(string folder, string name, params string[] extra)
    {
        var created = await OperatorBinary.RunAsync(folder, null, ["api-key", "create", "--name", name, .. extra, "--scopes", "ingest,read"]);
        Assert.True(created.ExitCode == 0, created.Stderr);
        return created.Stdout.Trim();
    }

    /// <summary>The batch of the key's push once it is stored (Received), polled fast: the write after it takes seconds.</summary>
    private static async Task<long> WaitForReceivedBatchAsync(string database, string keyName)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var id = await SqliteFile.ScalarAsync(database, "SELECT coalesce(max(Id), 0) FROM IngestBatches WHERE Actor LIKE $actor AND Status = 0", ("$actor", "%" + keyName + "%"));
            if (id > 0)
            {
                return id;
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("The push's batch was never stored.");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail(failure());
    }

    /// <summary>A Kubernetes List of Trivy Operator VulnerabilityReports, one per workload, each with its own packages.</summary>
    internal static byte[] OperatorList(IReadOnlyList<string> workloads, int vulnerabilitiesEach) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "List",
        ["items"] = new JsonArray([.. workloads.Select(workload => (JsonNode)new JsonObject
        {
            ["apiVersion"] = "aquasecurity.github.io/v1alpha1",
            ["kind"] = "VulnerabilityReport",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"replicaset-{workload}-main",
                ["namespace"] = "shop",
                ["labels"] = new JsonObject
                {
                    ["trivy-operator.container.name"] = "main",
                    ["trivy-operator.resource.kind"] = "ReplicaSet",
                    ["trivy-operator.resource.name"] = workload,
                    ["trivy-operator.resource.namespace"] = "shop",
                },
            },
            ["report"] = new JsonObject
            {
                ["artifact"] = new JsonObject { ["repository"] = "shop/" + workload, ["tag"] = "1.0" },
                ["registry"] = new JsonObject { ["server"] = "registry.example.com" },
                ["scanner"] = new JsonObject { ["name"] = "Trivy", ["vendor"] = "Aqua Security", ["version"] = "0.72.0" },
                ["vulnerabilities"] = new JsonArray([.. Enumerable.Range(0, vulnerabilitiesEach).Select(j => (JsonNode)new JsonObject
                {
                    ["vulnerabilityID"] = $"CVE-2026-{10000 + j}",
                    ["resource"] = $"lib{j}",
                    ["installedVersion"] = "1.0." + j,
                    ["fixedVersion"] = "1.1." + j,
                    ["severity"] = "HIGH",
                    ["title"] = "A flaw in lib" + j,
                })]),
            },
        })]),
    }.ToJsonString());
}
