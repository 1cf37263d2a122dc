using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static K8Posture.IntegrationTests.Features.Remediation.RemediationTestSupport;

namespace K8Posture.IntegrationTests.Features.Findings;

/// <summary>One status word per finding, whichever view shows it: the findings list (and API), the remediation queue, the export.</summary>
public sealed class FindingStatusWordFacts(RemediationAppFixture fixture) : IClassFixture<RemediationAppFixture>
{
    private K8PostureAppFactory App => fixture.App;

    public static TheoryData<FindingStatus, FindingResolution, FindingWorkflow, string> States => new()
    {
        { FindingStatus.Open, FindingResolution.None, FindingWorkflow.Open, "Open" },
        { FindingStatus.Open, FindingResolution.None, FindingWorkflow.InProgress, "In progress" },
        { FindingStatus.Open, FindingResolution.None, FindingWorkflow.Resolved, "Resolved (awaiting scan)" },
        { FindingStatus.Open, FindingResolution.RiskAccepted, FindingWorkflow.InProgress, "Risk accepted" },
        { FindingStatus.Open, FindingResolution.FalsePositive, FindingWorkflow.Open, "False positive" },
        { FindingStatus.Closed, FindingResolution.RiskAccepted, FindingWorkflow.Resolved, "Closed by scan" },
    };

    [Theory]
    [MemberData(nameof(States))]
    public async Task The_list_the_queue_and_the_export_show_the_same_word(FindingStatus status, FindingResolution resolution, FindingWorkflow workflow, string word)
    {
        var team = await App.SeedTeamAsync(Unique("ledger"));
        var title = Unique("status word");
        var id = await App.SeedFindingAsync(team, title);
        await App.WithDbAsync(db => db.Findings.Where(f => f.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.Status, status).SetProperty(f => f.Resolution, resolution).SetProperty(f => f.Workflow, workflow)
            .SetProperty(f => f.Assignee, "Nora Lind")));

        var listed = await App.AsSystemAsync(services => services.GetRequiredService<FindingsQuery>()
            .ListAsync(new FindingsCriteria(Status: null, Search: title), 0, 10));
        var queued = await App.AsSystemAsync(services => services.GetRequiredService<RemediationQueries>().FindingAsync(id, CancellationToken.None));
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        var csv = (await analyst.GetStringAsync($"/api/v1/exports/findings.csv?status=all&q={Uri.EscapeDataString(title)}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(',')).ToList();

        var row = Assert.Single(listed.Items);
        Assert.Equal(word, row.DisplayStatus.Label());
        Assert.Equal("Nora Lind", row.Assignee);
        Assert.Equal(word, queued!.Status.Label());
        Assert.Equal(2, csv.Count);
        Assert.Equal(word, csv[1][Array.IndexOf(csv[0], "Status")]);
        Assert.Equal("Nora Lind", csv[1][Array.IndexOf(csv[0], "Assignee")]);
    }

    [Fact]
    public async Task The_drawer_history_is_in_time_order_newest_first_whatever_order_the_events_were_written_in()
    {
        var team = await App.SeedTeamAsync(Unique("payroll"));
        var id = await App.SeedFindingAsync(team, Unique("history"));
        var day = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        // Written out of time order (ids ascending), two at the same instant.
        var written = new (FindingEventKind Kind, DateTimeOffset At, string Detail)[]
        {
            (FindingEventKind.Commented, day.AddDays(5), "third"),
            (FindingEventKind.Created, day, "first"),
            (FindingEventKind.AssigneeChanged, day.AddDays(2), "second, written first"),
            (FindingEventKind.WorkflowChanged, day.AddDays(2), "second, written last"),
        };
        await App.WithDbAsync(async db =>
        {
            foreach (var (kind, at, detail) in written)
            {
                db.FindingEvents.Add(new FindingEvent { FindingId = id, Kind = kind, At = at, Actor = "test", Detail = detail });
                await db.SaveChangesAsync();
            }
            return 0;
        });

        var detail = await App.AsSystemAsync(services => services.GetRequiredService<FindingDetails>().GetAsync(id));

        Assert.Equal(["third", "second, written last", "second, written first", "first"], detail!.Events.Select(e => e.Detail));
    }
}
