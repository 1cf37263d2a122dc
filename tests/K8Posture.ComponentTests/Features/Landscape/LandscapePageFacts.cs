using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.Security;
using K8Posture.Shared;
using K8Posture.Shared.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.ComponentTests.Features.Landscape;

public sealed class LandscapePageFacts
{
    [Fact]
    public async Task Shows_kpis_computed_from_open_findings_of_all_teams_for_an_analyst()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("3", Kpi(cut, "kpi-open-critical"));
            Assert.Equal("2", Kpi(cut, "kpi-open-high"));
            Assert.Equal("7", Kpi(cut, "kpi-total-open"));
            Assert.Equal("1", Kpi(cut, "kpi-clusters"));
        });
        Assert.Empty(cut.FindAll("[data-testid=team-scope]"));
        Assert.NotNull(cut.Find("[data-testid=landscape-chart]"));
    }

    [Fact]
    public async Task An_app_team_member_sees_only_its_teams_counts()
    {
        await using var portal = new TestPortal();
        var seeded = await SeededLandscape.CreateAsync(portal);
        portal.SignIn("pat", Roles.AppTeamMember, seeded.Payments.Id);

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("2", Kpi(cut, "kpi-open-critical"));
            Assert.Equal("1", Kpi(cut, "kpi-open-high"));
            Assert.Equal("3", Kpi(cut, "kpi-total-open"));
            Assert.Equal("1", Kpi(cut, "kpi-clusters"));
        });
        Assert.Equal("Showing team Payments", cut.Find("[data-testid=team-scope]").TextContent.Trim());
    }

    [Fact]
    public async Task Chart_has_one_series_per_severity_over_the_five_categories()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);

        var cut = portal.Context.Render<LandscapePage>();

        var chart = cut.WaitForComponent<ApexChart>();
        Assert.Equal(["Critical", "High", "Medium", "Low", "Info", "Unknown"], chart.Instance.Series.Select(s => s.Name));
        var critical = chart.Instance.Series[0].Data;
        Assert.Equal(5, critical.Count);
        Assert.Equal(3, critical[FindingLabels.Categories.ToList().IndexOf(FindingCategory.Vulnerability)]);
    }

    [Fact]
    public async Task Clicking_a_bar_opens_its_findings()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        var cut = portal.Context.Render<LandscapePage>();
        var chart = cut.WaitForComponent<ApexChart>();
        var vulnerabilityIndex = FindingLabels.Categories.ToList().IndexOf(FindingCategory.Vulnerability);

        await cut.InvokeAsync(() => chart.Instance.OnDataPointSelected(seriesIndex: 0, dataPointIndex: vulnerabilityIndex));

        var navigation = portal.Context.Services.GetRequiredService<NavigationManager>();
        // The list the bar opens holds exactly what the bar counts: open findings without a verdict.
        Assert.EndsWith("/findings?category=Vulnerability&severity=Critical&verdict=None", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_nothing_pushed_shows_the_setup_checklist_with_this_sites_push_command()
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", Roles.SecurityAdmin);

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() => Assert.Equal("0 of 5 done", cut.Find("[data-testid=setup-progress]").TextContent.Trim()));
        var commands = cut.Find("[data-testid=push-example]").TextContent;
        var baseUri = portal.Context.Services.GetRequiredService<NavigationManager>().BaseUri;
        Assert.Contains($"\"{baseUri}api/v1/ingest/scans?cluster=my-cluster\"", commands, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer $K8POSTURE_KEY", commands, StringComparison.Ordinal);
        Assert.StartsWith("trivy image -f json -o trivy-report.json", commands, StringComparison.Ordinal);
        Assert.All(cut.FindAll("[data-testid^=setup-step-][data-done]"), step => Assert.Equal("false", step.GetAttribute("data-done")));
        Assert.Equal(5, cut.FindAll("li[data-testid^=setup-step-]").Count);
        Assert.Equal("/admin/organisation", cut.Find("[data-testid=setup-link-organisation]").GetAttribute("href"));
        Assert.Equal("/admin/api-keys", cut.Find("[data-testid=setup-link-keys]").GetAttribute("href"));
        Assert.Equal("/clusters/manage", cut.Find("[data-testid=setup-link-clusters]").GetAttribute("href"));
        Assert.Empty(cut.FindComponents<LandscapeDashboard>());
    }

    [Fact]
    public async Task Other_roles_see_the_same_checklist_read_only()
    {
        await using var portal = new TestPortal();
        await using (var db = portal.CreateSystemContext())
        {
            db.Teams.Add(new Team { Name = "Payments" });
            await db.SaveChangesAsync();
        }
        portal.SignIn("leo", Roles.LeadershipViewer);

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() => Assert.Equal("1 of 5 done", cut.Find("[data-testid=setup-progress]").TextContent.Trim()));
        Assert.Equal("true", cut.Find("li[data-testid=setup-step-organisation]").GetAttribute("data-done"));
        Assert.Equal("1 team", cut.Find("li[data-testid=setup-step-organisation] [data-testid=setup-step-status]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid^=setup-link-]"));
        Assert.Contains("Ask your Security Team for a key", cut.Find("li[data-testid=setup-step-pipeline-key]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_push_replaces_the_checklist_by_the_charts_without_a_reload()
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", Roles.SecurityAdmin);
        var cut = portal.Context.Render<LandscapePage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=setup-checklist]")));

        await SeededLandscape.CreateAsync(portal);
        portal.Context.Services.GetRequiredService<LandscapeChangeNotifier>().NotifyFindingsChanged();

        cut.WaitForAssertion(() => Assert.Equal("7", Kpi(cut, "kpi-total-open")), TimeSpan.FromSeconds(5));
        Assert.Empty(cut.FindAll("[data-testid=setup-checklist]"));
    }

    [Fact]
    public async Task With_data_and_steps_open_a_security_admin_gets_a_compact_setup_strip_others_do_not()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAdmin);

        var cut = portal.Context.Render<LandscapePage>();

        // SeededLandscape has teams (1 of 5); nothing else is set up.
        cut.WaitForAssertion(() => Assert.Contains("Setup: 1 of 5 done.", cut.Find("[data-testid=setup-strip]").TextContent, StringComparison.Ordinal));
        Assert.Equal("/setup", cut.Find("[data-testid=setup-strip-link]").GetAttribute("href"));
        Assert.NotNull(cut.Find("[data-testid=landscape-chart]"));

        await using var analystPortal = new TestPortal();
        await SeededLandscape.CreateAsync(analystPortal);
        analystPortal.SignIn("sam", Roles.SecurityAnalyst);
        var analystView = analystPortal.Context.Render<LandscapePage>();
        analystView.WaitForAssertion(() => Assert.NotNull(analystView.Find("[data-testid=landscape-chart]")));
        Assert.Empty(analystView.FindAll("[data-testid=setup-strip]"));
    }

    [Fact]
    public async Task An_admin_who_hid_the_strip_at_this_progress_does_not_see_it_again()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAdmin);
        portal.Context.JSInterop.Setup<string?>("localStorage.getItem", LandscapePage.SetupStripDismissedKey).SetResult("1");

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() => Assert.Equal("7", Kpi(cut, "kpi-total-open")));
        Assert.Empty(cut.FindAll("[data-testid=setup-strip]"));
    }

    [Fact]
    public async Task Refreshes_when_findings_change()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        var module = portal.Context.JSInterop.SetupModule(ApexChart.ModulePath);
        var cut = portal.Context.Render<LandscapePage>();
        cut.WaitForAssertion(() => Assert.Equal("7", Kpi(cut, "kpi-total-open")));
        cut.WaitForAssertion(() => Assert.Equal(cut.FindComponents<ApexChart>().Count, module.Invocations["create"].Count));
        var created = module.Invocations["create"].Count;
        await using (var db = portal.CreateSystemContext())
        {
            await db.Findings.Where(f => f.Severity == FindingSeverity.Medium).ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FindingStatus.Closed));
        }

        portal.Context.Services.GetRequiredService<LandscapeChangeNotifier>().NotifyFindingsChanged();

        cut.WaitForAssertion(() => Assert.Equal("5", Kpi(cut, "kpi-total-open")), TimeSpan.FromSeconds(5));
        // Every chart takes the new data in place. Only the trend may be drawn again: it is keyed by the severities it
        // draws, and its only point (today, live) no longer has a Medium series.
        cut.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["updateSeries"]));
        Assert.All(module.Invocations["create"].Skip(created),
            again => Assert.Contains("\"type\":\"line\"", System.Text.Json.JsonSerializer.Serialize(again.Arguments[1]), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_chart_follows_the_layouts_dark_mode()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        var module = portal.Context.JSInterop.SetupModule(ApexChart.ModulePath);
        var cut = portal.Context.Render<CascadingValue<bool>>(p => p
            .Add(c => c.Name, "DarkMode")
            .Add(c => c.Value, false)
            .Add(c => c.ChildContent, (RenderFragment)(b => { b.OpenComponent<LandscapePage>(0); b.CloseComponent(); })));
        cut.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["create"]));
        var created = module.Invocations["create"].Count;
        Assert.All(module.Invocations["create"], create =>
            Assert.Contains("\"mode\":\"light\"", System.Text.Json.JsonSerializer.Serialize(create.Arguments[1]), StringComparison.Ordinal));

        cut.Render(p => p.Add(c => c.Value, true));

        cut.WaitForAssertion(() => Assert.Contains("\"mode\":\"dark\"",
            System.Text.Json.JsonSerializer.Serialize(Assert.Single(module.Invocations["updateOptions"]).Arguments[1]), StringComparison.Ordinal));
        Assert.Equal(created, module.Invocations["create"].Count);
    }

    [Fact]
    public async Task Kpis_and_charts_follow_the_url_filters()
    {
        await using var portal = new TestPortal();
        var seeded = await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        portal.Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?team=Payments&severity=Critical");

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() => Assert.Equal("2", Kpi(cut, "kpi-open-critical")));
        Assert.Equal("0", Kpi(cut, "kpi-open-high"));
        Assert.Equal("2", Kpi(cut, "kpi-total-open"));
        Assert.Contains("team=Payments", cut.Find("[data-testid=kpi-total-open] a").GetAttribute("href"), StringComparison.Ordinal);
        Assert.NotNull(seeded);
    }

    [Fact]
    public async Task Without_runtime_sensors_the_alert_figures_say_so_instead_of_showing_zero()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);

        var cut = portal.Context.Render<LandscapePage>();

        cut.WaitForAssertion(() => Assert.Equal("–", Kpi(cut, "kpi-runtime-alerts")));
        Assert.Contains("no runtime sensor data yet", cut.Find("[data-testid=kpi-runtime-alerts] [data-testid=kpi-caption]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("[data-testid=ioc-no-data]"));
    }

    private static string Kpi(IRenderedComponent<LandscapePage> cut, string testId) =>
        cut.Find($"[data-testid={testId}] [data-testid=kpi-value]").TextContent.Trim();
}
