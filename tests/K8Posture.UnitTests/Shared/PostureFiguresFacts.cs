using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.UnitTests.Data;

namespace K8Posture.UnitTests.Shared;

/// <summary>The shared figure definitions on a real SQLite database, with every expected number worked out by hand.</summary>
public sealed class PostureFiguresFacts
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 27, 0, 20, 0, TimeSpan.Zero);
    private int _n;

    private Finding Make(DateTimeOffset firstSeen, DateTimeOffset? due, DateTimeOffset? closed = null, FindingResolution resolution = FindingResolution.None, int? team = null) => new()
    {
        Fingerprint = (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, '0'),
        ContentHash = "0",
        Source = "test",
        ScopeKey = "s",
        Title = "t",
        OwnerTeamId = team,
        FirstSeenAt = firstSeen,
        LastSeenAt = closed ?? firstSeen,
        SlaDueAt = due,
        Status = closed is null ? FindingStatus.Open : FindingStatus.Closed,
        ClosedAt = closed,
        Resolution = resolution,
    };

    private static async Task<PostureFigures> FiguresAsync(SqliteTestDatabase database)
    {
        await using var db = database.Open(SqliteTestDatabase.SystemScope());
        return await PostureFigureQueries.TotalAsync(db.Findings, AsOf, CancellationToken.None);
    }

    [Fact]
    public async Task Counts_open_overdue_and_remediated_and_judges_the_sla_by_remediated_and_overdue()
    {
        await using var database = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = database.Open(SqliteTestDatabase.SystemScope()))
        {
            var team = new Team { Name = "Payments" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            db.Findings.AddRange(
                Make(AsOf.AddDays(-9), AsOf.AddDays(-1), team: team.Id),                    // open, overdue
                Make(AsOf.AddDays(-2), AsOf.AddDays(3), team: team.Id),                     // open, due later
                Make(AsOf.AddDays(-2), null),                                               // open, no SLA, unowned
                Make(AsOf.AddDays(-8), AsOf.AddSeconds(-1)),                                // open, overdue by a second, unowned
                Make(AsOf.AddDays(-9), AsOf.AddDays(-1), resolution: FindingResolution.RiskAccepted), // decided: not open, not overdue
                Make(AsOf.AddDays(-10), AsOf.AddDays(-3), AsOf.AddDays(-8), team: team.Id), // 48 h, on time
                Make(AsOf.AddDays(-40), AsOf.AddDays(-33), AsOf.AddDays(-20)),              // 480 h, late
                Make(AsOf.AddDays(-5), null, AsOf.AddDays(-4)),                             // 24 h, no SLA
                Make(AsOf.AddDays(-90), AsOf.AddDays(-60), AsOf.AddDays(-45)),              // outside the 30-day window
                Make(AsOf.AddDays(-6), AsOf.AddDays(-1), AsOf.AddDays(-2), FindingResolution.FalsePositive)); // a verdict, not a remediation
            await db.SaveChangesAsync();
        }

        var figures = await FiguresAsync(database);

        Assert.Equal(4, figures.Open);
        Assert.Equal(2, figures.Overdue);
        Assert.Equal(2, figures.Owned);
        Assert.Equal(2, figures.Unowned);
        Assert.Equal(50.0, figures.OwnedSharePercent);
        Assert.Equal(3, figures.Remediated);
        Assert.Equal((1, 1), (figures.RemediatedOnTime, figures.RemediatedLate));
        Assert.Equal(184.0, figures.MttrHours!.Value, 6); // (48 + 480 + 24) / 3
        // On time 1; late 1; still open and overdue 2 → 1 / 4.
        Assert.Equal(25.0, figures.SlaCompliancePercent);
        Assert.Equal("25.0 %", figures.SlaComplianceText);
        Assert.Equal("7.7 days", figures.MttrText); // 184 h
    }

    [Fact]
    public async Task Remediating_exactly_on_the_due_date_is_on_time_and_nothing_to_judge_gives_no_percentage()
    {
        await using var onTheDot = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = onTheDot.Open(SqliteTestDatabase.SystemScope()))
        {
            db.Findings.Add(Make(AsOf.AddDays(-7), AsOf, AsOf));
            await db.SaveChangesAsync();
        }
        await using var nothing = await new SqliteTestDatabase().MigrateAsync();
        await using (var db = nothing.Open(SqliteTestDatabase.SystemScope()))
        {
            db.Findings.Add(Make(AsOf.AddDays(-1), null));
            await db.SaveChangesAsync();
        }

        var dot = await FiguresAsync(onTheDot);
        var none = await FiguresAsync(nothing);

        Assert.Equal(100.0, dot.SlaCompliancePercent);
        Assert.Equal(168.0, dot.MttrHours!.Value, 6);
        Assert.Null(none.SlaCompliancePercent);
        Assert.Null(none.MttrHours);
        Assert.Equal("–", none.SlaComplianceText);
        Assert.Equal((1, 0, 0), (none.Open, none.Overdue, none.Remediated));
    }

    [Fact]
    public void Percentages_print_and_serialise_with_one_decimal_the_same_way()
    {
        var figures = new PostureFigures(Open: 1, Overdue: 1, Owned: 1, Remediated: 2, RemediatedOnTime: 2, RemediatedLate: 0, RemediationHours: 48);

        Assert.Equal("66.7 %", figures.SlaComplianceText);
        Assert.Equal(66.7, PostureFigures.OneDecimal(figures.SlaCompliancePercent));
        Assert.Equal(figures + figures, new PostureFigures(2, 2, 2, 4, 4, 0, 96));
    }

    [Fact]
    public void The_window_is_today_and_the_29_days_before_it()
    {
        Assert.Equal(new DateTimeOffset(2026, 10, 29, 0, 0, 0, TimeSpan.Zero), PostureDefinitions.WindowStart(AsOf));
    }
}
