using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static K8Posture.IntegrationTests.Features.Remediation.RemediationTestSupport;

namespace K8Posture.IntegrationTests.Features.Remediation;

public sealed class TeamQueueOrderFacts(RemediationAppFixture fixture) : IClassFixture<RemediationAppFixture>
{
    private K8PostureAppFactory App => fixture.App;

    private Task<(IReadOnlyList<WorkItem> Items, int Total)> SectionAsync(int teamId, QueueSectionKind section, int page, int pageSize) =>
        App.AsSystemAsync(services => services.GetRequiredService<RemediationQueries>().QueueSectionAsync(teamId, section, page, pageSize, CancellationToken.None));

    [Fact]
    public async Task The_overdue_queue_puts_the_worst_severity_first_then_the_longest_overdue_and_pages_through_all_of_them()
    {
        var team = await App.SeedTeamAsync(Unique("payments"));
        var now = DateTimeOffset.UtcNow;
        // Seeded in due-date order, the order the queue used to show: the Lows that are months late first.
        var lowLatest = await App.SeedFindingAsync(team, "low 145 d", FindingSeverity.Low, now.AddDays(-145));
        var lowLate = await App.SeedFindingAsync(team, "low 100 d", FindingSeverity.Low, now.AddDays(-100));
        var medium = await App.SeedFindingAsync(team, "medium 30 d", FindingSeverity.Medium, now.AddDays(-30));
        var high = await App.SeedFindingAsync(team, "high 10 d", FindingSeverity.High, now.AddDays(-10));
        var criticalOlder = await App.SeedFindingAsync(team, "critical 2 d", FindingSeverity.Critical, now.AddDays(-2));
        var criticalNewer = await App.SeedFindingAsync(team, "critical 1 d", FindingSeverity.Critical, now.AddDays(-1));
        var notYetDue = await App.SeedFindingAsync(team, "critical due tomorrow", FindingSeverity.Critical, now.AddDays(1));
        var accepted = await App.SeedFindingAsync(team, "accepted critical", FindingSeverity.Critical, now.AddDays(-20));
        await App.WithDbAsync(db => db.Findings.Where(f => f.Id == accepted).ExecuteUpdateAsync(s => s.SetProperty(f => f.Resolution, FindingResolution.RiskAccepted)));

        var first = await SectionAsync(team, QueueSectionKind.Overdue, page: 0, pageSize: 4);
        var second = await SectionAsync(team, QueueSectionKind.Overdue, page: 1, pageSize: 4);

        Assert.Equal(6, first.Total);
        Assert.Equal(6, second.Total);
        Assert.Equal([criticalOlder, criticalNewer, high, medium, lowLatest, lowLate], first.Items.Concat(second.Items).Select(i => i.Id));
        Assert.DoesNotContain(notYetDue, first.Items.Concat(second.Items).Select(i => i.Id));
    }

    [Fact]
    public async Task The_due_soon_section_pages_every_finding_due_in_the_next_two_weeks_worst_first()
    {
        var team = await App.SeedTeamAsync(Unique("storefront"));
        var now = DateTimeOffset.UtcNow;
        var ids = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            ids.Add(await App.SeedFindingAsync(team, $"due in {i % 13 + 1} d", i % 3 == 0 ? FindingSeverity.High : FindingSeverity.Low, now.AddDays(i % 13 + 1)));
        }
        await App.SeedFindingAsync(team, "due in 20 d", FindingSeverity.Critical, now.AddDays(20));

        var pages = new List<WorkItem>();
        for (var page = 0; page < 3; page++)
        {
            var (items, total) = await SectionAsync(team, QueueSectionKind.DueSoon, page, pageSize: 10);
            Assert.Equal(23, total);
            pages.AddRange(items);
        }

        Assert.Equal(ids.Order(), pages.Select(p => p.Id).Order());
        Assert.Equal(pages.OrderByDescending(p => p.Severity).ThenBy(p => p.SlaDueAt).ThenBy(p => p.Id).Select(p => p.Id), pages.Select(p => p.Id));
    }
}
