using System.Data.Common;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.Security;
using K8Posture.UnitTests.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.UnitTests.Features.Remediation;

/// <summary>The organisation-wide queue's counts, against a real SQLite file: the right figures, read by seeking the index.</summary>
public sealed class QueueCountPlanFacts
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>SQLite's plan of every COUNT the queue runs, taken with the command's own parameters just before it runs.</summary>
    private sealed class CountPlans : DbCommandInterceptor
    {
        public List<string> Plans { get; } = [];

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal))
            {
                await using var explain = command.Connection!.CreateCommand();
                explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
                explain.Transaction = command.Transaction;
                foreach (SqliteParameter parameter in command.Parameters)
                {
                    explain.Parameters.Add(new SqliteParameter(parameter.ParameterName, parameter.Value));
                }
                var steps = new List<string>();
                await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        steps.Add(reader.GetString(3));
                    }
                }
                Plans.Add(string.Join(" | ", steps));
            }
            return result;
        }
    }

    private sealed class Factory(SqliteTestDatabase database, DataScope scope, CountPlans plans) : IDbContextFactory<K8PostureDbContext>
    {
        public K8PostureDbContext CreateDbContext() => new SqliteK8PostureDbContext(
            new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite(database.ConnectionString).AddInterceptors(plans).Options, scope);
    }

    [Fact]
    public async Task The_organisation_wide_overdue_and_due_soon_counts_seek_the_due_date_per_severity()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            var n = 0;
            Finding Make(FindingSeverity severity, double dueInDays, FindingStatus status = FindingStatus.Open) => new()
            {
                Fingerprint = (++n).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, '0'),
                ContentHash = "0",
                Source = "test",
                ScopeKey = "s",
                Title = "t" + n,
                Severity = severity,
                Status = status,
                SlaDueAt = Now.AddDays(dueInDays),
                FirstSeenAt = Now.AddDays(-40),
                LastSeenAt = Now,
            };
            db.Findings.AddRange(
                Make(FindingSeverity.Critical, -3), Make(FindingSeverity.Low, -30), Make(FindingSeverity.Info, -1), // overdue
                Make(FindingSeverity.High, 2), Make(FindingSeverity.Unknown, 13),                                       // due within 14 days
                Make(FindingSeverity.Medium, 40),                                                                       // later
                Make(FindingSeverity.Critical, -5, FindingStatus.Closed));                                              // closed
            await db.SaveChangesAsync();
        }
        var analyst = new DataScope();
        analyst.SetUser(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.SecurityAnalyst)], "test", ClaimTypes.Name, ClaimTypes.Role)));
        var plans = new CountPlans();

        var queue = await new RemediationQueries(new Factory(database, analyst, plans), new FixedClock(Now)).QueueAsync(null, CancellationToken.None);

        Assert.Equal(3, queue.OverdueTotal);
        Assert.Equal(2, queue.DueSoonTotal);
        Assert.Equal(2, plans.Plans.Count);
        // Status, Resolution and Severity as equalities, the due date as a range: only the section's own entries are read.
        Assert.All(plans.Plans, plan => Assert.Contains("INDEX IX_Findings_Status_Resolution_Severity_SlaDueAt (Status=? AND Resolution=? AND Severity=? AND SlaDueAt", plan));
    }
}
