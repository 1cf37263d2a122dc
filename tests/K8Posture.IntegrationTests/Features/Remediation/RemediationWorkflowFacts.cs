using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using static K8Posture.IntegrationTests.Features.Remediation.RemediationTestSupport;

namespace K8Posture.IntegrationTests.Features.Remediation;

public sealed class RemediationWorkflowFacts(RemediationAppFixture fixture) : IClassFixture<RemediationAppFixture>
{
    private K8PostureAppFactory App => fixture.App;

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, object command) => client.PostAsJsonAsync("/api/v1/findings/remediation", command);

    [Fact]
    public async Task An_app_team_assigns_and_starts_work_on_its_findings_in_bulk_each_change_with_history_comment_and_audit()
    {
        var team = await App.SeedTeamAsync(Unique("payments"));
        var ids = new[] { await App.SeedFindingAsync(team, "one"), await App.SeedFindingAsync(team, "two"), await App.SeedFindingAsync(team, "three") };
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);

        var assign = await ChangeAsync(member, new { findingIds = ids, action = "Assign", assignee = "Priya Shah" });
        var start = await ChangeAsync(member, new { findingIds = ids, action = "StartProgress", comment = "Bumping the base image this sprint." });

        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.Equal(3, (await start.Content.ReadFromJsonAsync<RemediationResult>())!.Changed);
        foreach (var id in ids)
        {
            var finding = await App.FindingByIdAsync(id);
            Assert.Equal((FindingWorkflow.InProgress, "Priya Shah"), (finding.Workflow, finding.Assignee));
            Assert.Equal(RemediationStatus.InProgress, RemediationStatuses.Of(finding));
            Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 6", ("$f", id)));
            Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 5 AND Detail LIKE '%Open → InProgress%'", ("$f", id)));
            Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM FindingComments WHERE FindingId = $f AND Text = 'Bumping the base image this sprint.'", ("$f", id)));
            Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'remediation.in-progress' AND EntityId = $f AND Before LIKE '%\"workflow\":\"Open\"%'", ("$f", id.ToString())));
        }
        var history = await member.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/findings/{ids[0]}/history");
        Assert.Equal("Bumping the base image this sprint.", history.GetProperty("comments")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_app_team_cannot_touch_another_teams_finding_and_a_mixed_bulk_writes_nothing()
    {
        var mine = await App.SeedTeamAsync(Unique("ledger"));
        var theirs = await App.SeedTeamAsync(Unique("campaigns"));
        var own = await App.SeedFindingAsync(mine, "ours");
        var foreign = await App.SeedFindingAsync(theirs, "theirs");
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, mine);
        var events = await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents");

        var mixed = await ChangeAsync(member, new { findingIds = new[] { own, foreign }, action = "StartProgress" });
        var comment = await member.PostAsJsonAsync($"/api/v1/findings/{foreign}/comments", new { text = "sneaky" });
        var history = await member.GetAsync($"/api/v1/findings/{foreign}/history");

        Assert.Equal(HttpStatusCode.NotFound, mixed.StatusCode);
        Assert.Contains(foreign.ToString(), (await ProblemAsync(mixed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, comment.StatusCode);
        Assert.Equal(FindingWorkflow.Open, (await App.FindingByIdAsync(own)).Workflow);
        Assert.Equal(FindingWorkflow.Open, (await App.FindingByIdAsync(foreign)).Workflow);
        Assert.Equal(events, await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents"));
        Assert.Equal(0, await App.ScalarAsync("SELECT COUNT(*) FROM FindingComments WHERE FindingId = $f", ("$f", foreign)));
        Assert.Empty((await history.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task False_positive_is_the_security_teams_verdict_and_readers_change_nothing()
    {
        var team = await App.SeedTeamAsync(Unique("storefront"));
        var id = await App.SeedFindingAsync(team, "scanner confused by a backported patch");
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        using var leadership = await App.SignedInClientAsync(Roles.LeadershipViewer);
        using var auditor = await App.SignedInClientAsync(Roles.Auditor);
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        var command = new { findingIds = new[] { id }, action = "MarkFalsePositive", comment = "Debian backported the fix in 1.1.1n-0+deb10u3." };

        Assert.Equal(HttpStatusCode.Forbidden, (await ChangeAsync(member, command)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ChangeAsync(leadership, new { findingIds = new[] { id }, action = "StartProgress" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ChangeAsync(auditor, new { findingIds = new[] { id }, action = "Comment", comment = "hi" })).StatusCode);
        Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(id)).Resolution);

        Assert.Equal(HttpStatusCode.OK, (await ChangeAsync(analyst, command)).StatusCode);
        Assert.Equal(FindingResolution.FalsePositive, (await App.FindingByIdAsync(id)).Resolution);
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'remediation.false-positive' AND EntityId = $f AND Actor = 'Sam Analyst'", ("$f", id.ToString())));
    }

    [Fact]
    public async Task Bad_commands_are_problems_naming_the_field()
    {
        var team = await App.SeedTeamAsync(Unique("payroll"));
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);

        var none = await ChangeAsync(member, new { findingIds = Array.Empty<long>(), action = "StartProgress" });
        var badAction = await ChangeAsync(member, new { findingIds = new[] { 1 }, action = "Delete" });

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("findingIds", (await ProblemAsync(none)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
    }

    private static byte[] Trivy(string image, params string[] cves) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["SchemaVersion"] = 2,
        ["ArtifactName"] = image + ":1.0.0",
        ["ArtifactType"] = "container_image",
        ["Results"] = new JsonArray(new JsonObject
        {
            ["Target"] = image + ":1.0.0 (debian 12.5)",
            ["Class"] = "os-pkgs",
            ["Type"] = "debian",
            ["Vulnerabilities"] = new JsonArray(cves.Select(cve => (JsonNode)new JsonObject
            {
                ["VulnerabilityID"] = cve, ["PkgName"] = "pkg-" + cve, ["InstalledVersion"] = "1.0", ["Severity"] = "CRITICAL", ["Title"] = cve,
            }).ToArray()),
        }),
    }.ToJsonString());

    [Fact]
    public async Task Resolved_is_reopened_when_the_next_scan_still_reports_it_and_closed_when_it_does_not()
    {
        var team = await App.SeedTeamAsync(Unique("platform"));
        var image = "registry.example.com/remediation/app-" + Guid.NewGuid().ToString("N")[..8];
        using var pusher = App.CreateApiClient(await App.CreateApiKeyAsync("ingest", team));
        async Task PushAsync(params string[] cves) => Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(Trivy(image, cves)))).StatusCode);
        await PushAsync("CVE-2025-7001", "CVE-2025-7002");
        var ids = await App.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == "image:" + image).OrderBy(f => f.VulnerabilityId).Select(f => f.Id).ToListAsync());
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        Assert.Equal(HttpStatusCode.OK, (await ChangeAsync(member, new { findingIds = ids, action = "MarkResolved" })).StatusCode);

        // The team fixed 7002 but not 7001: the next scan still has 7001.
        await PushAsync("CVE-2025-7001");

        var stillThere = await App.FindingByIdAsync(ids[0]);
        var fixedOne = await App.FindingByIdAsync(ids[1]);
        Assert.Equal(RemediationStatus.Open, RemediationStatuses.Of(stillThere));
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 5 AND Detail LIKE 'Resolved → Open: still reported%'", ("$f", ids[0])));
        Assert.Equal(RemediationStatus.ClosedByScan, RemediationStatuses.Of(fixedOne));
    }
}
