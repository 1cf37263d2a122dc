using System.Data.Common;
using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.UnitTests.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class LandscapeCubeBuilderFacts
{
    /// <summary>Right after the long aggregation ran, before its transaction ends: can another connection start writing at once?</summary>
    private sealed class WriterProbe(string connectionString) : DbCommandInterceptor
    {
        public bool? AnotherWriterCouldStart { get; private set; }

        public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("CREATE TEMP TABLE", StringComparison.Ordinal))
            {
                await using var other = new SqliteConnection(connectionString + ";Default Timeout=1");
                await other.OpenAsync(cancellationToken);
                await using var begin = other.CreateCommand();
                begin.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                try
                {
                    await begin.ExecuteNonQueryAsync(cancellationToken);
                    AnotherWriterCouldStart = true;
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 5)
                {
                    AnotherWriterCouldStart = false;
                }
            }
            return result;
        }
    }

    [Fact]
    public async Task The_aggregation_over_every_finding_holds_no_write_lock_so_a_push_can_write_meanwhile()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL");
            var team = new Team { Name = "Payments" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            db.Findings.AddRange(Enumerable.Range(1, 3).Select(n => new Finding
            {
                Fingerprint = n.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, '0'),
                ContentHash = "0",
                Source = "test",
                ScopeKey = "s",
                Title = "t",
                NamespaceName = "payments",
                OwnerTeamId = team.Id,
                Severity = FindingSeverity.High,
            }));
            await db.SaveChangesAsync();
        }

        var probe = new WriterProbe(database.ConnectionString);
        var options = new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite(database.ConnectionString).AddInterceptors(probe).Options;
        await using (var db = new SqliteK8PostureDbContext(options, SqliteTestDatabase.SystemScope()))
        {
            await LandscapeCubeBuilder.RebuildAsync(db, new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), CancellationToken.None);
        }

        Assert.True(probe.AnotherWriterCouldStart, "the aggregation's transaction held the database's write lock");
        await using var check = database.Open(SqliteTestDatabase.SystemScope());
        Assert.Equal(3, await check.LandscapeCells.Where(c => c.Dimension == LandscapeDimension.Namespace && c.Key == "payments").SumAsync(c => c.Count));
    }
}
