using K8Posture.Data;
using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.ComponentTests.Features.Organisation;

public sealed class BusinessUnitsTabFacts
{
    [Fact]
    public async Task Creates_a_business_unit_and_counts_its_teams()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments", "Finance");
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<BusinessUnitsTab>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=business-unit-name]")));

        cut.Find("[data-testid=business-unit-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=business-unit-dialog]"));
        dialogs.Type("business-unit-name-input", "Human Resources");
        dialogs.Type("business-unit-description-input", "Payroll & recruiting");
        dialogs.Find("[data-testid=business-unit-save]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Finance", "Human Resources"],
            cut.FindAll("[data-testid=business-unit-name]").Select(e => e.TextContent.Trim())));
        var rows = cut.FindAll("[data-testid=business-unit-name]").Select(e => e.ParentElement!.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["Finance", "—", "1"], rows[0].Take(3));
        Assert.Equal(["Human Resources", "Payroll & recruiting", "0"], rows[1].Take(3));
        await using var db = portal.CreateSystemContext();
        Assert.Contains("business-unit.create", await db.AuditEvents.Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task A_name_with_markup_is_refused_on_its_field()
    {
        await using var portal = OrganisationPortal.Create();
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<BusinessUnitsTab>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=business-units-empty]"));

        cut.Find("[data-testid=business-unit-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=business-unit-dialog]"));
        dialogs.Type("business-unit-name-input", "<script>HR</script>");
        dialogs.Find("[data-testid=business-unit-save]").Click();

        dialogs.WaitForAssertion(() => Assert.StartsWith("'Name' may hold letters, digits", dialogs.FieldError("business-unit-name-input"), StringComparison.Ordinal));
        await using var db = portal.CreateSystemContext();
        Assert.False(await db.BusinessUnits.AnyAsync());
    }
}
