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
    public void Only_security_admins_open_the_page()
    {
        var authorize = typeof(OrganisationPage).GetCustomAttributes<AuthorizeAttribute>().Single();
        Assert.Equal(Policies.SecurityAdmin, authorize.Policy);
        Assert.Equal("/admin/organisation", typeof(OrganisationPage).GetCustomAttribute<RouteAttribute>()!.Template);
    }

    [Fact]
    public async Task Opens_on_teams_and_on_the_tab_the_query_names()
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
