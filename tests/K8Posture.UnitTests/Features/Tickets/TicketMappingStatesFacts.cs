using K8Posture.Data;
using K8Posture.Features.Tickets;

namespace K8Posture.UnitTests.Features.Tickets;

public sealed class TicketMappingStatesFacts
{
    private static readonly TicketMapping Mapping = new()
    {
        Project = "OPS", IssueType = "Task", InProgressStatuses = "In Progress,In Review", ResolvedStatuses = "Done,Closed", WontFixStatuses = "Won't Do",
        DoneStatus = "Done", PriorityMap = "Critical=Highest,High=High,Nonsense=Low",
    };

    [Theory]
    [InlineData("done", TicketState.Resolved)]
    [InlineData("Closed", TicketState.Resolved)]
    [InlineData("In Review", TicketState.InProgress)]
    [InlineData("Won't Do", TicketState.WontFix)]
    [InlineData("To Do", TicketState.Open)]
    [InlineData("Backlog", TicketState.Open)]
    public void A_remote_status_means_what_the_team_mapped_it_to_and_anything_unmapped_is_open(string status, TicketState expected) =>
        Assert.Equal(expected, TicketAdminService.StateOf(Mapping, status));

    [Fact]
    public void The_priority_map_reads_severities_and_skips_what_is_not_one()
    {
        var priorities = TicketAdminService.ParsePriorities(Mapping.PriorityMap);

        Assert.Equal(2, priorities.Count);
        Assert.Equal("Highest", priorities[FindingSeverity.Critical]);
        Assert.Equal("High", priorities[FindingSeverity.High]);
    }
}
