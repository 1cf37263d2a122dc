using System.Reflection;
using K8Posture.Features.Organisation;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.ComponentTests.Features.Organisation;

public sealed class OrganisationPageFacts
{
    [Fact]
    public void OnlySecurityAdminsOpenThePage()
    {
        var authorize = typeof(OrganisationPage).GetCustomAttributes<AuthorizeAttribute>().Single();
        Assert.Equal(Policies.SecurityAdmin, authorize.Policy);
        Assert.Equal("/admin/organisation", typeof(OrganisationPage).GetCustomAttribute<RouteAttribute>()!.Template);
    }

    [Fact]
    public async Task OpensOnTeamsAndOnTheTabTheQueryNames()
    {
        await using var portal = OrganisationPortal.Create();
        await portal.AddTeamAsync("Payments");

        var page = portal.Context.Render<OrganisationPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=teams-table]"));
        Assert.Empty(page.FindAll("[data-testid=applications-table]"));

        portal.Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/organisation?tab=applications");
        var applications = portal.Context.Render<OrganisationPage>();
        applications.WaitForAssertion(() => applications.Find("[data-testid=applications-table]"));
        Assert.Empty(applications.FindAll("[data-testid=teams-table]"));
    }
}
