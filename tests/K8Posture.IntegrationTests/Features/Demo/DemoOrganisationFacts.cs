using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Demo;

/// <summary>The demo organisation a newcomer first sees: it obeys the same rules an administrator's changes do.</summary>
public sealed class DemoOrganisationFacts(DemoOrganisationFacts.DemoApp demo) : IClassFixture<DemoOrganisationFacts.DemoApp>
{
    /// <summary>One seeded app for the class: seeding the demo takes most of a minute.</summary>
    public sealed class DemoApp : IDisposable
    {
        public K8PostureAppFactory App { get; } = new(seedDemo: true);

        public void Dispose() => App.Dispose();
    }

    private readonly K8PostureAppFactory _app = demo.App;

    [Fact]
    public async Task Every_demo_team_has_a_description_contacts_and_named_entra_groups_that_pass_validation()
    {
        var teams = await _app.WithDbAsync(db => db.Teams.Include(t => t.Groups).AsNoTracking().ToListAsync());

        Assert.NotEmpty(teams);
        Assert.All(teams, team =>
        {
            Assert.Equal(team.Name, OrganisationValidation.Name("name", team.Name));
            Assert.False(string.IsNullOrWhiteSpace(team.Description));
            Assert.Equal(team.ContactEmail, OrganisationValidation.Email("contactEmail", team.ContactEmail));
            Assert.NotNull(team.ContactEmail);
            Assert.Equal(team.ChatChannel, OrganisationValidation.Channel("chatChannel", team.ChatChannel));
            Assert.NotNull(team.ChatChannel);
            Assert.NotEmpty(team.Groups);
            Assert.All(team.Groups, g =>
            {
                Assert.Equal(g.EntraGroupId, OrganisationValidation.EntraId("entraGroupId", g.EntraGroupId));
                Assert.False(string.IsNullOrWhiteSpace(g.DisplayName));
            });
        });
    }

    [Fact]
    public async Task Every_application_a_demo_namespace_names_is_an_application_owned_by_that_namespaces_team()
    {
        var namespaces = await _app.WithDbAsync(db => db.Namespaces.AsNoTracking().Where(n => n.Application != null)
            .Select(n => new { n.Application, n.OwnerTeamId }).ToListAsync());
        var applications = await _app.WithDbAsync(db => db.Applications.AsNoTracking().ToListAsync());

        Assert.Equal(namespaces.Select(n => n.Application!).Distinct().Order(), applications.Select(a => a.Name).Order());
        Assert.All(namespaces, n => Assert.Equal(applications.Single(a => a.Name == n.Application).TeamId, n.OwnerTeamId));
        Assert.Contains(applications, a => a.DataClassification == DataClassification.Restricted && a.RegulatoryScope!.Contains("PCI-DSS", StringComparison.Ordinal));
        Assert.Contains(applications, a => a.IsVendorProduct && a.RequiredPrivileges is not null);
        Assert.DoesNotContain(applications, a => a.DataClassification == DataClassification.Unknown);

        // And the API shows a team its own applications only.
        var payments = await _app.WithDbAsync(db => db.Teams.Where(t => t.Name == "Payments").Select(t => t.Id).SingleAsync());
        using var team = _app.CreateApiClient(await _app.CreateApiKeyAsync("read", payments));
        var listed = await team.GetFromJsonAsync<JsonElement>("/api/v1/applications");
        Assert.Equal(applications.Where(a => a.TeamId == payments).Select(a => a.Name).Order(), listed.EnumerateArray().Select(a => a.GetProperty("name").GetString()!).Order());
        Assert.Equal(HttpStatusCode.OK, (await team.GetAsync("/api/v1/teams/Payments")).StatusCode);
    }

    [Fact]
    public async Task The_demos_history_is_made_by_named_people_and_four_eyes_hold_in_it()
    {
        var events = await _app.WithDbAsync(db => db.AuditEvents.AsNoTracking().ToListAsync());
        var raci = events.Where(e => e.Action == "raci.save").ToList();
        Assert.Equal(2, raci.Count);
        Assert.All(raci, e => Assert.Equal("Ada Admin", e.Actor));
        Assert.Equal(["Ada Admin", "Ada Admin"], await _app.WithDbAsync(db => db.RaciVersions.OrderBy(v => v.Version).Select(v => v.CreatedBy).ToListAsync()));

        // Each approved assessment was created by its app team and approved by someone else from the Security Team.
        var tenancy = events.Where(e => e.EntityType == "TenancyAssessment").GroupBy(e => e.EntityId).ToList();
        Assert.NotEmpty(tenancy);
        foreach (var assessment in tenancy.Where(g => g.Any(e => e.Action == "tenancy.approve")))
        {
            var creator = assessment.Single(e => e.Action == "tenancy.create").Actor;
            var approver = assessment.Single(e => e.Action == "tenancy.approve").Actor;
            Assert.NotEqual(creator, approver);
            Assert.Contains(approver, new[] { "Ada Admin", "Sam Analyst" });
        }

        // Jobs name themselves on their own work only: no person's change reads as a job.
        Assert.DoesNotContain(events, e => e.Actor.StartsWith("job:", StringComparison.Ordinal)
            && e.Action is "raci.save" or "tenancy.create" or "tenancy.submit" or "tenancy.approve" or "risk-acceptance.request" or "risk-acceptance.approve");
        Assert.Contains(events, e => e.Action == "tenancy.mismatches" && e.Actor == "job:tenancy-mismatch");
    }

    [Fact]
    public async Task Every_demo_findings_history_begins_with_its_creation_when_it_was_first_seen()
    {
        var findings = await _app.WithDbAsync(db => db.Findings.AsNoTracking().Select(f => new { f.Id, f.FirstSeenAt }).ToListAsync());
        var events = (await _app.WithDbAsync(db => db.FindingEvents.AsNoTracking().Select(e => new { e.FindingId, e.Kind, e.At }).ToListAsync()))
            .ToLookup(e => e.FindingId);
        Assert.NotEmpty(findings);
        Assert.All(findings, finding =>
        {
            var history = events[finding.Id].OrderBy(e => e.At).ToList();
            Assert.Equal(K8Posture.Data.FindingEventKind.Created, history[0].Kind);
            Assert.Equal(finding.FirstSeenAt, history[0].At);
        });
    }
}
