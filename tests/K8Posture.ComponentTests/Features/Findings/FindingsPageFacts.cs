using K8Posture.Features.Findings;
using K8Posture.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace K8Posture.ComponentTests.Features.Findings;

public sealed class FindingsPageFacts
{
    [Fact]
    public async Task Shows_the_open_findings_the_user_may_see()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        portal.Context.Render<MudPopoverProvider>();

        var cut = portal.Context.Render<FindingsPage>();

        cut.WaitForAssertion(() => Assert.Equal(7, Titles(cut).Count));
        Assert.Contains("CVE-2024-0001 in openssl", Titles(cut));
        Assert.DoesNotContain("CVE-2023-9999 fixed long ago", Titles(cut));
        Assert.Equal("Critical", cut.FindAll("[data-testid=severity-chip]")[0].TextContent.Trim());
    }

    [Fact]
    public async Task Filters_by_the_category_query_parameter()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        portal.Context.Render<MudPopoverProvider>();
        portal.Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/findings?category=KubernetesMisconfiguration");

        var cut = portal.Context.Render<FindingsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["Privilege escalation allowed", "hostPath volume mounted"], Titles(cut).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task An_app_team_member_sees_only_its_teams_findings()
    {
        await using var portal = new TestPortal();
        var seeded = await SeededLandscape.CreateAsync(portal);
        portal.SignIn("pat", Roles.AppTeamMember, seeded.Payments.Id);
        portal.Context.Render<MudPopoverProvider>();

        var cut = portal.Context.Render<FindingsPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, Titles(cut).Count));
        Assert.DoesNotContain("CVE-2024-0003 in curl", Titles(cut));
    }

    private static List<string> Titles(IRenderedComponent<FindingsPage> cut) =>
        cut.FindAll("[data-testid=finding-title]").Select(e => e.TextContent.Trim()).ToList();
}
