using K8Posture.Data;
using K8Posture.Features.Raci;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace K8Posture.ComponentTests.Features.Raci;

public sealed class RaciPageFacts
{
    private static async Task<TestPortal> PortalWithMatrixAsync()
    {
        var portal = new TestPortal();
        portal.Context.Services.AddSingleton(TimeProvider.System);
        portal.Context.Services.AddSingleton<AuditLog>();
        portal.Context.Services.AddSingleton<RaciChangeNotifier>();
        portal.Context.Services.AddSingleton<RaciService>();
        var matrix = new RaciMatrix
        {
            Activities = [new RaciActivity { Key = "inventory", Name = "Inventory" }, new RaciActivity { Key = "secrets", Name = "Secrets management" }],
            Parties = [new RaciParty { Key = "security", Name = "Security" }, new RaciParty { Key = "platform", Name = "Platform" }],
        };
        matrix.Set("inventory", "security", RaciRole.Accountable);
        matrix.Set("inventory", "platform", RaciRole.Responsible);
        // Secrets management has a responsible party but no accountable one: one violation.
        matrix.Set("secrets", "platform", RaciRole.Responsible);
        await using var db = portal.CreateSystemContext();
        db.RaciVersions.Add(new RaciVersion { Version = 1, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "seed", Comment = "start", Matrix = matrix.ToJson(), ViolationCount = 1 });
        await db.SaveChangesAsync();
        return portal;
    }

    [Fact]
    public async Task An_admin_edits_a_cell_and_sees_the_violation_count_change_then_saves_a_version()
    {
        await using var portal = await PortalWithMatrixAsync();
        portal.SignIn("ada", Roles.SecurityAdmin);
        portal.Authorization.SetPolicies(Policies.SecurityAdmin);
        portal.Context.Render<MudPopoverProvider>();

        var cut = portal.Context.Render<RaciPage>();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=raci-violation-count]").TextContent.Trim()));
        Assert.Contains("raci-violation", cut.Find("[data-testid=activity-secrets]").ClassName, StringComparison.Ordinal);

        cut.Find("select[data-testid=cell-secrets-security]").Change("A");
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-testid=raci-violation-count]").TextContent.Trim()));
        Assert.DoesNotContain("raci-violation", cut.Find("[data-testid=activity-secrets]").ClassName ?? "", StringComparison.Ordinal);

        // A second A on the same row breaks the one-A rule again.
        cut.Find("select[data-testid=cell-secrets-platform]").Change("RA");
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=raci-violation-count]").TextContent.Trim()));
        Assert.Contains("2 parties are accountable", cut.Find("[data-testid=activity-secrets]").TextContent, StringComparison.Ordinal);
        cut.Find("select[data-testid=cell-secrets-platform]").Change("R");

        // Nothing is saved until the admin saves with a comment.
        await using (var db = portal.CreateSystemContext())
        {
            Assert.Equal(1, db.RaciVersions.Count());
        }
        cut.Find("input[data-testid=raci-comment], [data-testid=raci-comment] input").Input("Security owns secrets");
        cut.Find("button[data-testid=raci-save]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["2", "1"], cut.FindAll("[data-testid=raci-history-version]").Select(e => e.TextContent.Trim())));
        Assert.Contains("Secrets management × Security: — → A", cut.Find("[data-testid=raci-diff]").TextContent, StringComparison.Ordinal);
        await using (var db = portal.CreateSystemContext())
        {
            Assert.Equal(0, db.RaciVersions.Single(v => v.Version == 2).ViolationCount);
            Assert.Equal(1, db.AuditEvents.Count(a => a.Action == "raci.save"));
        }
    }

    [Fact]
    public async Task Readers_see_the_matrix_and_its_violations_without_an_editor()
    {
        await using var portal = await PortalWithMatrixAsync();
        portal.SignIn("pat", Roles.AppTeamMember);

        var cut = portal.Context.Render<RaciPage>();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=raci-violation-count]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("select"));
        Assert.Empty(cut.FindAll("[data-testid=raci-save]"));
        Assert.Equal("A", cut.Find("[data-testid=cell-inventory-security]").TextContent.Trim());
    }
}
