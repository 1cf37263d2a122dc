using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.ComponentTests.Features.Organisation;

public sealed class PipelineIdentitiesTabFacts
{
    [Fact]
    public async Task Registers_an_organisation_wide_pipeline_and_refuses_an_id_that_is_no_guid()
    {
        await using var portal = OrganisationPortal.Create();
        var dialogs = portal.Dialogs();
        var cut = portal.Context.Render<PipelineIdentitiesTab>();
        cut.WaitForAssertion(() => Assert.Contains("No pipeline identities yet", cut.Find("[data-testid=pipeline-identities-empty]").TextContent, StringComparison.Ordinal));

        cut.Find("[data-testid=pipeline-identity-new]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=pipeline-identity-dialog]"));
        dialogs.Type("pipeline-identity-name-input", "platform-ci");
        dialogs.Type("pipeline-identity-id-input", "payments-ci");
        dialogs.Find("[data-testid=pipeline-identity-save]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("must be an Entra ID object or application id", dialogs.FieldError("pipeline-identity-id-input"), StringComparison.Ordinal));

        dialogs.Type("pipeline-identity-id-input", "0F6B3C2A-1D4E-4F5A-8B9C-0D1E2F3A4B5C");
        dialogs.Find("[data-testid=pipeline-identity-save]").Click();

        cut.WaitForAssertion(() => Assert.Equal("platform-ci", cut.Find("[data-testid=pipeline-identity-name]").TextContent.Trim()));
        var cells = cut.Find("[data-testid=pipeline-identity-name]").ParentElement!.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("0f6b3c2a-1d4e-4f5a-8b9c-0d1e2f3a4b5c", cells[1]);
        Assert.Equal("organisation-wide", cells[2]);
        await using var db = portal.CreateSystemContext();
        Assert.Null((await db.Set<PipelineIdentity>().SingleAsync()).TeamId);
    }
}
