using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Data.Sqlite;

namespace K8Posture.IntegrationTests.Features.Admin;

/// <summary>The operator verbs, run as the real binary against a real SQLite file.</summary>
public sealed class AdminCommandsFacts : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("k8p-cli-").FullName;

    private string DatabasePath => Path.Combine(_folder, "k8posture.db");

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => OperatorBinary.RunAsync(_folder, null, args);

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Migrate_creates_the_schema_on_an_empty_file_and_exits()
    {
        var (exitCode, _, stderr) = await RunAsync("migrate");
        Assert.True(exitCode == 0, stderr);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'Findings'"));
        Assert.True(Scalar("SELECT COUNT(*) FROM __EFMigrationsHistory") >= 1);
    }

    [Fact]
    public async Task Api_key_create_prints_only_the_key_and_stores_only_its_hash()
    {
        var (exitCode, stdout, stderr) = await RunAsync("api-key", "create", "--name", "ci-pipeline", "--scopes", "ingest,read");
        Assert.True(exitCode == 0, stderr);
        var key = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("k8p_", key);
        Assert.Equal(1, Scalar($"SELECT COUNT(*) FROM ApiKeys WHERE Name = 'ci-pipeline' AND Scopes = 'ingest,read' AND SecretHash = '{ApiKeySecrets.Hash(key)}'"));
        Assert.Equal(0, Scalar($"SELECT COUNT(*) FROM ApiKeys WHERE SecretHash = '{key}' OR Prefix = '{key}'"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'api-key.create'"));
    }

    [Fact]
    public async Task Api_key_create_rejects_an_unknown_scope_or_team_without_writing_a_key()
    {
        var unknownScope = await RunAsync("api-key", "create", "--name", "x", "--scopes", "ingest,root");
        Assert.Equal(2, unknownScope.ExitCode);
        Assert.Contains("root", unknownScope.Stderr);
        Assert.Equal("", unknownScope.Stdout.Trim());

        var unknownTeam = await RunAsync("api-key", "create", "--name", "x", "--team", "Nobody", "--scopes", "ingest");
        Assert.Equal(2, unknownTeam.ExitCode);
        Assert.Contains("Nobody", unknownTeam.Stderr);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM ApiKeys"));
    }

    [Fact]
    public async Task Api_key_create_refuses_the_admin_scope_on_a_team_key_without_writing_a_key()
    {
        var (seeded, _, seedError) = await RunAsync("seed-demo");
        Assert.True(seeded == 0, seedError);
        var keysBefore = Scalar("SELECT COUNT(*) FROM ApiKeys");

        var teamAdmin = await RunAsync("api-key", "create", "--name", "ledger-admin", "--team", "Ledger", "--scopes", "ingest,admin");
        Assert.Equal(2, teamAdmin.ExitCode);
        Assert.Contains("admin", teamAdmin.Stderr, StringComparison.Ordinal);
        Assert.Contains("organisation-wide", teamAdmin.Stderr, StringComparison.Ordinal);
        Assert.Equal("", teamAdmin.Stdout.Trim());
        Assert.Equal(keysBefore, Scalar("SELECT COUNT(*) FROM ApiKeys"));

        // The same team may have its ingest key, and an organisation-wide key may carry admin.
        var teamIngest = await RunAsync("api-key", "create", "--name", "ledger-ci", "--team", "Ledger", "--scopes", "ingest");
        Assert.True(teamIngest.ExitCode == 0, teamIngest.Stderr);
        var orgAdmin = await RunAsync("api-key", "create", "--name", "security-admin", "--scopes", "admin");
        Assert.True(orgAdmin.ExitCode == 0, orgAdmin.Stderr);
        Assert.Equal(keysBefore + 2, Scalar("SELECT COUNT(*) FROM ApiKeys"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM ApiKeys WHERE TeamId IS NOT NULL AND Scopes LIKE '%admin%'"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
