using K8Posture.Data;
using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.ComponentTests.Features.Organisation;

public sealed class TeamsTabFacts
{
    [Fact]
    public async Task Lists_a_team_with_its_business_unit_contacts_groups_and_applications()
    {
        await using var portal = OrganisationPortal.Create();
        var payments = await portal.AddTeamAsync("Payments", "Finance", t =>
        {
            t.Description = "<b>Card</b> payments";
            t.ContactEmail = "payments-sec@example.com";
            t.ChatChannel = "#payments-sec";
            t.Groups.Add(new TeamGroup { EntraGroupId = "6f1c2d9e-0000-4000-8000-000000000201", DisplayName = "sg-payments-devs" });
            t.Groups.Add(new TeamGroup { EntraGroupId = "6f1c2d9e-0000-4000-8000-000000000202" });
        });
        await using (var db = portal.CreateSystemContext())
        {
            db.Set<Application>().Add(new Application { Name = "payments-api", TeamId = payments.Id });
            await db.SaveChangesAsync();
        }

        var cut = portal.Context.Render<TeamsTab>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=team-row]")));
        var row = cut.Find("[data-testid=team-row]").ParentElement!;
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.StartsWith("Payments", cells[0], StringComparison.Ordinal);
        Assert.Equal("Finance", cells[1]);
        Assert.Equal("1", cells[4]);
        Assert.Equal("mailto:payments-sec@example.com", cut.Find("[data-testid=team-email]").GetAttribute("href"));
        Assert.Contains("#payments-sec", cells[2], StringComparison.Ordinal);
        var chips = cut.FindAll("[data-testid=team-group]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains(chips, c => c.StartsWith("sg-payments-devs", StringComparison.Ordinal) && c.Contains("6f1c2d9e…", StringComparison.Ordinal));
        Assert.Contains("6f1c2d9e-0000-4000-8000-000000000202", chips);
        // Data is text, never markup.
        Assert.Contains("&lt;b&gt;Card&lt;/b&gt; payments", row.InnerHtml, StringComparison.Ordinal);
        Assert.Null(row.QuerySelector("b"));
    }

    [Fact]
    public async Task An_empty_organisation_says_what_fills_it()
    {
        await using var portal = OrganisationPortal.Create();

        var cut = portal.Context.Render<TeamsTab>();

        cut.WaitForAssertion(() => Assert.Contains("No teams yet", cut.Find("[data-testid=teams-empty]").TextContent, StringComparison.Ordinal));
        var text = cut.Find("[data-testid=teams-empty]").TextContent;
        Assert.Contains("POST /api/v1/teams", text, StringComparison.Ordinal);
        Assert.Contains("dotnet run -- org import organisation.yaml", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_box_filters_as_you_type()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments");
        await portal.AddTeamAsync("Payroll");
        await portal.AddTeamAsync("Platform");
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=team-name]").Count));

        cut.Find("input[data-testid=team-search]").Input("pay");

        cut.WaitForAssertion(() => Assert.Equal(["Payments", "Payroll"], Names(cut)));
        cut.Find("input[data-testid=team-search]").Input("nothing-like-it");
        cut.WaitForAssertion(() => Assert.Contains("No team matches", cut.Find("[data-testid=teams-empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Creates_a_team_with_a_contact_and_an_entra_group_through_the_dialog()
    {
        await using var portal = OrganisationPortal.Create();
        await using (var db = portal.CreateSystemContext())
        {
            db.BusinessUnits.Add(new BusinessUnit { Name = "Finance" });
            await db.SaveChangesAsync();
        }
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=teams-empty]"));

        cut.Find("[data-testid=team-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=team-dialog]"));
        dialogs.Type("team-name-input", "Treasury");
        dialogs.Type("team-email-input", "treasury@example.com");
        dialogs.Type("team-channel-input", "#treasury");
        dialogs.Type("group-id-input", "7C1E4A9B-0D2F-4E55-9A53-1F0B6A2C3D4E");
        dialogs.Type("group-name-input", "sg-treasury");
        dialogs.Find("[data-testid=group-add]").Click();
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("[data-testid=team-dialog-group]")));
        dialogs.Find("[data-testid=team-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=team-dialog]")));
        cut.WaitForAssertion(() => Assert.Equal(["Treasury"], Names(cut)));
        await using (var db = portal.CreateSystemContext())
        {
            var team = await db.Teams.Include(t => t.Groups).SingleAsync();
            Assert.Equal(("treasury@example.com", "#treasury"), (team.ContactEmail, team.ChatChannel));
            var group = Assert.Single(team.Groups);
            Assert.Equal(("7c1e4a9b-0d2f-4e55-9a53-1f0b6a2c3d4e", "sg-treasury"), (group.EntraGroupId, group.DisplayName));
            var actions = await db.AuditEvents.Select(e => e.Action).ToListAsync();
            Assert.Contains("team.create", actions);
            Assert.Contains("team-group.add", actions);
        }
    }

    [Fact]
    public async Task An_invalid_email_is_refused_on_its_field_and_nothing_is_saved()
    {
        await using var portal = OrganisationPortal.Create();
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=teams-empty]"));

        cut.Find("[data-testid=team-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=team-dialog]"));
        dialogs.Type("team-name-input", "Treasury");
        dialogs.Type("team-email-input", "not-an-address");
        dialogs.Find("[data-testid=team-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("is not an e-mail address", dialogs.FieldError("team-email-input"), StringComparison.Ordinal));
        Assert.Single(dialogs.FindAll("[data-testid=team-dialog]"));
        await using var db = portal.CreateSystemContext();
        Assert.False(await db.Teams.AnyAsync());
    }

    [Fact]
    public async Task The_servers_refusal_shows_on_the_field_it_names_until_that_field_changes()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments");
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=team-row]")));

        cut.Find("[data-testid=team-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=team-dialog]"));
        dialogs.Type("team-name-input", "payments");
        dialogs.Find("[data-testid=team-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("already exists", dialogs.FieldError("team-name-input"), StringComparison.Ordinal));
        dialogs.Type("team-name-input", "Payments Ops");
        dialogs.WaitForAssertion(() => Assert.Equal("", dialogs.FieldError("team-name-input")));
    }

    [Fact]
    public async Task Editing_renames_the_team_and_removes_a_group()
    {
        await using var portal = OrganisationPortal.Create();
        var team = await portal.AddTeamAsync("Payments", configure: t => t.Groups.Add(new TeamGroup { EntraGroupId = "6f1c2d9e-0000-4000-8000-000000000201", DisplayName = "sg-payments" }));
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=team-row]")));

        cut.Find("[data-testid=team-edit]").Click();
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("[data-testid=team-dialog-group]")));
        dialogs.Type("team-name-input", "Card Payments");
        dialogs.Find("[data-testid=team-dialog-group] .mud-chip-close-button").Click();
        dialogs.Find("[data-testid=team-save]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Card Payments"], Names(cut)));
        await using var db = portal.CreateSystemContext();
        var renamed = await db.Teams.Include(t => t.Groups).SingleAsync();
        Assert.Equal((team.Id, "Card Payments"), (renamed.Id, renamed.Name));
        Assert.Empty(renamed.Groups);
    }

    [Fact]
    public async Task Deleting_a_team_that_owns_nothing_is_a_plain_confirmation()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments");
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=team-row]")));

        cut.Find("[data-testid=team-delete]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=team-owns-nothing]"));
        Assert.Empty(dialogs.FindAll("[data-testid=handover-select]"));
        dialogs.Find("[data-testid=delete-team-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=teams-empty]"));
        await using var db = portal.CreateSystemContext();
        Assert.False(await db.Teams.AnyAsync());
    }

    [Fact]
    public async Task Deleting_a_team_that_owns_something_says_what_and_waits_for_a_hand_over_team()
    {
        await using var portal = OrganisationPortal.Create();
        var seeded = await SeededLandscape.CreateAsync(portal);
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<TeamsTab>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=team-row]").Count));

        cut.FindAll("[data-testid=team-delete]")[Names(cut).IndexOf("Payments")].Click();

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=team-holdings]"));
        Assert.Equal("Payments still owns 4 findings, 1 namespace.", dialogs.Find("[data-testid=team-holdings]").TextContent.Trim());
        dialogs.Find("[data-testid=handover-select]");
        Assert.True(dialogs.Find("[data-testid=delete-team-confirm]").HasAttribute("disabled"));
        await using var db = portal.CreateSystemContext();
        Assert.True(await db.Teams.AnyAsync(t => t.Id == seeded.Payments.Id));
    }

    private static List<string> Names(IRenderedComponent<TeamsTab> cut) =>
        cut.FindAll("[data-testid=team-name]").Select(e => e.TextContent.Trim()).ToList();

}
