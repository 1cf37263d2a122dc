using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Data;

/// <summary>
/// The real app on a real SQL Server or Azure SQL database: runs when K8P_TEST_SQLSERVER holds a connection string
/// (its database name is replaced by a throwaway one, created by the migration and dropped afterwards; the login
/// needs the right to create databases), and reports itself as skipped otherwise.
/// </summary>
public sealed class SqlServerFacts
{
    public const string ConnectionStringVariable = "K8P_TEST_SQLSERVER";

    [SkippableFact]
    public async Task MigratesIngestsClosesAndListsFindingsOnSqlServer()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        Skip.If(string.IsNullOrWhiteSpace(configured), $"{ConnectionStringVariable} holds no SQL Server connection string.");
        var database = new SqlConnectionStringBuilder(configured) { InitialCatalog = "k8p_test_" + Guid.NewGuid().ToString("N")[..12] };
        try
        {
            await using var app = new K8PostureAppFactory(seedDemo: false, builder =>
            {
                builder.UseSetting("Database:Provider", "SqlServer");
                builder.UseSetting("ConnectionStrings:K8Posture", database.ConnectionString);
            });

            // Development migrates at start.
            Assert.Empty(await app.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList()));
            Assert.True(await app.WithDbAsync(db => Task.FromResult(db.Database.IsSqlServer())));

            // An image scan large enough for the bulk copy, the same push again (all unchanged), then a small one.
            var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
            var large = ImageReportWith(vulnerabilities: 150);
            var first = await PushAsync(ingest, "pipeline=payments/build&scope=image:sqlserver-large", large);
            Assert.Equal(150, first.Created);
            var again = await PushAsync(ingest, "pipeline=payments/build&scope=image:sqlserver-large", large);
            Assert.Equal((0, 150), (again.Created, again.Unchanged));
            var image = await PushAsync(ingest, "pipeline=payments/build&scope=image:sqlserver",
                TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json"));
            Assert.True(image.Created > 0);

            // The image is rebuilt clean: its findings close.
            var clean = await PushAsync(ingest, "pipeline=payments/build&scope=image:sqlserver", """{"SchemaVersion":2,"ArtifactName":"alpine:3.10","ArtifactType":"container_image","Results":[]}"""u8.ToArray());
            Assert.Equal(image.Created, clean.Closed);

            var read = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
            var open = await read.GetFromJsonAsync<FindingsApiPage>("/api/v1/findings?pageSize=500&sort=-severity");
            var stored = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.Status == FindingStatus.Open));
            Assert.Equal(first.Created, stored);
            Assert.Equal(stored, open!.Total);
            Assert.Equal(Math.Min(stored, 500), open.Items.Count);

            // The audit table is append-only in the database itself.
            var refused = await Assert.ThrowsAsync<SqlException>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM [AuditEvents]")));
            Assert.Contains("append-only", refused.Message);
        }
        finally
        {
            SqlConnection.ClearAllPools();
            await DropAsync(database);
        }
    }

    /// <summary>The alpine image report with its one vulnerability repeated under distinct ids.</summary>
    private static byte[] ImageReportWith(int vulnerabilities)
    {
        var report = JsonNode.Parse(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json"))!;
        var found = report["Results"]![0]!["Vulnerabilities"]!.AsArray();
        var template = found[0]!;
        found.Clear();
        for (var i = 1; i <= vulnerabilities; i++)
        {
            var copy = template.DeepClone();
            copy["VulnerabilityID"] = $"CVE-2099-{i:D5}";
            found.Add(copy);
        }
        return System.Text.Encoding.UTF8.GetBytes(report.ToJsonString());
    }

    private static async Task<IngestOutcome> PushAsync(HttpClient client, string query, byte[] report)
    {
        var response = await client.PostAsync("/api/v1/ingest/scans?" + query, new ByteArrayContent(report));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>())!;
    }

    private static async Task DropAsync(SqlConnectionStringBuilder database)
    {
        var master = new SqlConnectionStringBuilder(database.ConnectionString) { InitialCatalog = "master" };
        await using var connection = new SqlConnection(master.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"IF DB_ID(@name) IS NOT NULL DROP DATABASE [{database.InitialCatalog}];";
        command.Parameters.AddWithValue("@name", database.InitialCatalog);
        await command.ExecuteNonQueryAsync();
    }
}
