using K8Posture.Data;
using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.ComponentTests.Features.Organisation;

public sealed class ApplicationsTabFacts
{
    [Fact]
    public async Task Creates_an_application_for_a_team_and_lists_its_classification()
    {
        await using var portal = OrganisationPortal.Create();
        var payments = await portal.AddTeamAsync("Payments");
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<ApplicationsTab>();
        cut.WaitForAssertion(() => Assert.Contains("No applications yet", cut.Find("[data-testid=applications-empty]").TextContent, StringComparison.Ordinal));

        cut.Find("[data-testid=application-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=application-dialog]"));
        dialogs.Type("application-name-input", "payments-api");
        await dialogs.ChooseAsync("Payments");
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudBlazor.MudSelect<DataClassification>>().Instance.SelectOption(DataClassification.Restricted));
        dialogs.Find("[data-testid=application-save]").Click();

        cut.WaitForAssertion(() => Assert.Equal("payments-api", cut.Find("[data-testid=application-name]").TextContent.Trim()));
        Assert.Equal("Restricted", cut.Find("[data-testid=application-classification]").TextContent.Trim());
        await using var db = portal.CreateSystemContext();
        var application = await db.Set<Application>().SingleAsync();
        Assert.Equal((payments.Id, DataClassification.Restricted), (application.TeamId, application.DataClassification));
    }

    [Fact]
    public async Task An_application_needs_an_owning_team_before_anything_is_sent()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments");
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<ApplicationsTab>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=applications-empty]"));

        cut.Find("[data-testid=application-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=application-dialog]"));
        dialogs.Type("application-name-input", "payments-api");
        dialogs.Find("[data-testid=application-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Choose the team that owns the application.", dialogs.FieldError("application-team")));
        await using var db = portal.CreateSystemContext();
        Assert.False(await db.Set<Application>().AnyAsync());
    }
}
