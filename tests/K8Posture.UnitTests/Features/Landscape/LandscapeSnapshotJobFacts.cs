using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.UnitTests.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class LandscapeSnapshotJobFacts
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Factory(SqliteTestDatabase database, DataScope scope) : IDbContextFactory<K8PostureDbContext>
    {
        public K8PostureDbContext CreateDbContext() => database.Open(scope);
    }

    [Fact]
    public async Task Counts_open_findings_by_team_category_and_severity_and_replaces_the_days_rows_when_run_again()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        int teamId;
        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            var team = new Team { Name = "Payments" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            teamId = team.Id;
            var n = 0;
            Finding Make(int? owner, FindingCategory category, FindingSeverity severity, FindingStatus status) => new()
            {
                Fingerprint = (++n).ToString().PadLeft(64, '0'),
                ContentHash = "0",
                Source = "test",
                ScopeKey = "s",
                Title = "t",
                OwnerTeamId = owner,
                Category = category,
                Severity = severity,
                Status = status,
            };
            db.Findings.AddRange(
                Make(teamId, FindingCategory.Vulnerability, FindingSeverity.Critical, FindingStatus.Open),
                Make(teamId, FindingCategory.Vulnerability, FindingSeverity.Critical, FindingStatus.Open),
                Make(teamId, FindingCategory.Vulnerability, FindingSeverity.Critical, FindingStatus.Closed),
                Make(null, FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, FindingStatus.Open));
            await db.SaveChangesAsync();
        }

        var clock = new FixedClock(new DateTimeOffset(2026, 11, 27, 0, 15, 0, TimeSpan.Zero));
        var scope = new DataScope();
        var job = new LandscapeSnapshotJob(new Factory(database, scope), scope, clock, NullLogger<LandscapeSnapshotJob>.Instance);
        Assert.Equal(2, await job.RunAsync(CancellationToken.None));
        Assert.Equal(2, await job.RunAsync(CancellationToken.None));

        await using var check = database.Open(SqliteTestDatabase.SystemScope());
        var rows = await check.LandscapeSnapshots.OrderBy(s => s.TeamId).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(new DateOnly(2026, 11, 27), r.Day));
        var payments = Assert.Single(rows, r => r.TeamId == teamId);
        Assert.Equal((FindingCategory.Vulnerability, FindingSeverity.Critical, 2), (payments.Category, payments.Severity, payments.OpenCount));
        var unowned = Assert.Single(rows, r => r.TeamId is null);
        Assert.Equal(1, unowned.OpenCount);
    }
}
