using K8Posture.Features.Intel;
using K8Posture.Features.Vex;
using K8Posture.UnitTests.Data;
using K8Posture.UnitTests.Data.SqlServer;

namespace K8Posture.UnitTests.Features.Intel;

/// <summary>The set-based re-score and the VEX evaluation as SQL Server gets them: every statement parses as T-SQL.</summary>
public sealed class IntelSqlServerStatementFacts
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null)]
    [InlineData(1234L, null)]
    [InlineData(null, 7)]
    public async Task The_rescore_statements_parse_as_T_SQL(long? fromFindingId, int? clusterId)
    {
        var server = new RecordingSqlServer(SqliteTestDatabase.SystemScope());
        await using var db = server.Open();

        await IntelRescorer.RescoreAsync(db, Now, kevSlaDays: 7, CancellationToken.None, fromFindingId, clusterId);

        var update = Assert.Single(server.Commands, c => c.Contains("FROM \"KevEntries\"", StringComparison.Ordinal) || c.Contains("LEFT JOIN \"KevEntries\"", StringComparison.Ordinal));
        Assert.Contains("UPDATE \"Findings\" SET", update);
        // Exposure per workload from the collected cluster, read live by every kind of re-score.
        Assert.Contains("FROM \"ExposedWorkloads\" x", update);
        Assert.Equal(clusterId is not null, update.Contains("AND f.\"ClusterId\" = 7", StringComparison.Ordinal));
        var signals = server.Commands.Where(c => c.Contains("INSERT INTO \"IntelWorkloadSignals\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(fromFindingId is null && clusterId is null, signals.Count == 1);
        // The namespace-wide fallback only for clusters whose exposure was never collected.
        Assert.All(signals, s => Assert.Contains("c.\"ExposureCollectedAt\" IS NULL", s));
        foreach (var sql in server.Commands)
        {
            var (tables, _) = TSql.NamesIn(TSql.Parse(TSql.WithParameters(sql), "re-score"));
            Assert.DoesNotContain("Findings_", tables);
        }
    }

    [Fact]
    public async Task The_VEX_candidate_queries_parse_as_T_SQL()
    {
        var server = new RecordingSqlServer(SqliteTestDatabase.SystemScope());
        await using var db = server.Open();

        await VexEvaluator.ApplyAsync(db, ["CVE-2023-3446", "GHSA-jfh8-c2jp-5v3q"], [7], fromFindingId: 100, Now, "test", CancellationToken.None);

        Assert.Equal(2, server.Commands.Count);
        Assert.All(server.Commands, sql => TSql.Parse(sql, "VEX evaluation"));
    }
}
