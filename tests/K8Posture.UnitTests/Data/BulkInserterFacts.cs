using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.UnitTests.Data;

public sealed class BulkInserterFacts
{
    private static Finding NewFinding(int i, DateTimeOffset at) => new()
    {
        Fingerprint = i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
        ContentHash = "c",
        Source = "trivy",
        ScopeKey = "image:bulk",
        Title = $"title {i}",
        Description = i % 2 == 0 ? null : "described",
        Severity = (FindingSeverity)(i % 6),
        Category = FindingCategory.Vulnerability,
        CvssScore = i / 10.0,
        FirstSeenAt = at,
        LastSeenAt = at.AddMinutes(i),
        SlaDueAt = i % 3 == 0 ? null : at.AddDays(7),
        Status = FindingStatus.Open,
        LastBatchId = 42,
    };

    [Fact]
    public async Task Rows_written_in_bulk_read_back_through_EF_with_their_generated_ids()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 300).Select(i => NewFinding(i, at)).ToList();

        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.True(await BulkInserter.InsertAsync(db, rows, assignIds: true, CancellationToken.None));
            await BulkInserter.InsertAsync(db, rows.Select(f => new FindingEvent { FindingId = f.Id, Kind = FindingEventKind.Created, At = at }).ToList(), assignIds: false, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = database.Open(SqliteTestDatabase.SystemScope());
        var stored = await read.Findings.AsNoTracking().Include(f => f.Events).ToDictionaryAsync(f => f.Id);
        Assert.Equal(300, stored.Count);
        foreach (var row in rows)
        {
            var back = stored[row.Id];
            Assert.Equal((row.Fingerprint, row.Title, row.Description, row.Severity, row.CvssScore, row.FirstSeenAt, row.LastSeenAt, row.SlaDueAt, row.LastBatchId),
                (back.Fingerprint, back.Title, back.Description, back.Severity, back.CvssScore, back.FirstSeenAt, back.LastSeenAt, back.SlaDueAt, back.LastBatchId));
            Assert.Single(back.Events);
        }
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_nothing_and_no_transaction_is_refused()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        var rows = Enumerable.Range(0, 100).Select(i => NewFinding(i, DateTimeOffset.UtcNow)).ToList();

        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => BulkInserter.InsertAsync(db, rows, assignIds: true, CancellationToken.None));
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInserter.InsertAsync(db, rows, assignIds: true, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using var read = database.Open(SqliteTestDatabase.SystemScope());
        Assert.Equal(0, await read.Findings.CountAsync());
    }
}
