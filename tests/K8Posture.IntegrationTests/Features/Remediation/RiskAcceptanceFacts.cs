using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static K8Posture.IntegrationTests.Features.Remediation.RemediationTestSupport;

namespace K8Posture.IntegrationTests.Features.Remediation;

public sealed class RiskAcceptanceFacts(RemediationAppFixture fixture) : IClassFixture<RemediationAppFixture>
{
    private K8PostureAppFactory App => fixture.App;

    private static async Task<long> RequestAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/risk-acceptances", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
    }

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, long id, bool approve, string? comment = "ok") =>
        client.PostAsJsonAsync($"/api/v1/risk-acceptances/{id}/decision", new { approve, comment });

    private static ClaimsPrincipal Person(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, "local:" + name), new Claim(ClaimTypes.Role, role)], "test", ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public async Task An_app_team_asks_a_security_analyst_approves_and_the_finding_is_risk_accepted_with_history_and_audit()
    {
        var team = await App.SeedTeamAsync(Unique("payments"));
        var finding = await App.SeedFindingAsync(team, "openssl: CVE-2025-0001");
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);

        var id = await RequestAsync(member, new { findingId = finding, reason = "Not reachable: the binary is never executed in this image.", expiresAt = DateTimeOffset.UtcNow.AddDays(30) });
        Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(finding)).Resolution);
        var pending = await member.GetFromJsonAsync<List<RiskAcceptanceRow>>("/api/v1/risk-acceptances?status=Pending", HttpJson.Options);
        Assert.Contains(pending!, r => r.Id == id && r.RequestedBy.EndsWith(" member", StringComparison.Ordinal));

        var decision = await DecideAsync(analyst, id, approve: true, "Accepted until the base image upgrade.");

        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        var accepted = await App.FindingByIdAsync(finding);
        Assert.Equal(FindingResolution.RiskAccepted, accepted.Resolution);
        var row = await App.WithDbAsync(db => db.RiskAcceptances.Include(r => r.Coverage).SingleAsync(r => r.Id == id));
        Assert.Equal((RiskAcceptanceStatus.Approved, "Sam Analyst"), (row.Status, row.DecidedBy));
        Assert.Equal(finding, Assert.Single(row.Coverage).FindingId);
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 4 AND Detail LIKE '%RiskAccepted%'", ("$f", finding)));
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.request' AND EntityId = $id", ("$id", id.ToString())));
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.approve' AND EntityId = $id AND Actor = 'Sam Analyst'", ("$id", id.ToString())));
    }

    [Fact]
    public async Task Four_eyes_the_requester_cannot_approve_their_own_request_over_HTTP_and_another_security_member_can()
    {
        var team = await App.SeedTeamAsync(Unique("ledger"));
        var finding = await App.SeedFindingAsync(team, "zlib: CVE-2025-0002");
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        using var admin = await App.SignedInClientAsync(Roles.SecurityAdmin);
        var id = await RequestAsync(analyst, new { findingId = finding, reason = "Compensating control: WAF rule blocks the vector.", expiresAt = DateTimeOffset.UtcNow.AddDays(20) });

        var own = await DecideAsync(analyst, id, approve: true);

        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("Four eyes", (await ProblemAsync(own)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(RiskAcceptanceStatus.Pending, await App.WithDbAsync(db => db.RiskAcceptances.Where(r => r.Id == id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(finding)).Resolution);
        Assert.Equal(0, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action LIKE 'risk-acceptance.approve' AND EntityId = $id", ("$id", id.ToString())));

        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(admin, id, approve: true)).StatusCode);
        Assert.Equal(FindingResolution.RiskAccepted, (await App.FindingByIdAsync(finding)).Resolution);
        // Decided once: a second decision is a conflict, not a silent overwrite.
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(admin, id, approve: false, "changed my mind")).StatusCode);
    }

    [Fact]
    public async Task Four_eyes_the_service_refuses_the_requester_whoever_calls_it()
    {
        var team = await App.SeedTeamAsync(Unique("storefront"));
        var finding = await App.SeedFindingAsync(team, "curl: CVE-2025-0003");
        var sam = Person("Sam Analyst", Roles.SecurityAnalyst);
        var id = await App.AsUserAsync(sam, sp => sp.GetRequiredService<RiskAcceptanceService>().RequestAsync(sam,
            new RiskAcceptanceRequest(finding, null, null, null, null, null, "Vendor appliance; patch window next month.", DateTimeOffset.UtcNow.AddDays(10)), CancellationToken.None));

        var error = await Assert.ThrowsAsync<ProblemException>(() => App.AsUserAsync(sam, sp =>
            sp.GetRequiredService<RiskAcceptanceService>().DecideAsync(sam, id, approve: true, null, CancellationToken.None)));

        Assert.Equal(403, error.StatusCode);
        // The same person holding another role is still the same person.
        var samAsAdmin = Person("Sam Analyst", Roles.SecurityAdmin);
        var again = await Assert.ThrowsAsync<ProblemException>(() => App.AsUserAsync(samAsAdmin, sp =>
            sp.GetRequiredService<RiskAcceptanceService>().DecideAsync(samAsAdmin, id, approve: true, null, CancellationToken.None)));
        Assert.Equal(403, again.StatusCode);
    }

    [Fact]
    public async Task App_teams_cannot_decide_nor_ask_for_another_teams_finding_and_leadership_only_reads()
    {
        var mine = await App.SeedTeamAsync(Unique("payroll"));
        var theirs = await App.SeedTeamAsync(Unique("recruiting"));
        var foreign = await App.SeedFindingAsync(theirs, "their finding");
        var own = await App.SeedFindingAsync(mine, "our finding");
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, mine);
        using var leadership = await App.SignedInClientAsync(Roles.LeadershipViewer);
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        var before = await App.ScalarAsync("SELECT COUNT(*) FROM RiskAcceptances");

        var forForeign = await member.PostAsJsonAsync("/api/v1/risk-acceptances", new { findingId = foreign, reason = "Please accept someone else's risk.", expiresAt = DateTimeOffset.UtcNow.AddDays(5) });
        var byLeadership = await leadership.PostAsJsonAsync("/api/v1/risk-acceptances", new { findingId = own, reason = "Leadership wants this accepted.", expiresAt = DateTimeOffset.UtcNow.AddDays(5) });

        Assert.Equal(HttpStatusCode.NotFound, forForeign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byLeadership.StatusCode);
        Assert.Equal(before, await App.ScalarAsync("SELECT COUNT(*) FROM RiskAcceptances"));

        var id = await RequestAsync(analyst, new { findingId = own, reason = "Analyst-raised exception for the team.", expiresAt = DateTimeOffset.UtcNow.AddDays(5) });
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(member, id, approve: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(leadership, id, approve: true)).StatusCode);
        // The other team does not even see it.
        var seen = await member.GetFromJsonAsync<List<RiskAcceptanceRow>>("/api/v1/risk-acceptances", HttpJson.Options);
        Assert.Contains(seen!, r => r.Id == id);
        using var other = await App.SignedInClientAsync(Roles.AppTeamMember, theirs);
        Assert.DoesNotContain((await other.GetFromJsonAsync<List<RiskAcceptanceRow>>("/api/v1/risk-acceptances", HttpJson.Options))!, r => r.Id == id);
    }

    [Fact]
    public async Task Expiry_longer_than_the_severity_allows_or_a_short_reason_is_a_problem_naming_the_field()
    {
        var team = await App.SeedTeamAsync(Unique("campaigns"));
        var critical = await App.SeedFindingAsync(team, "critical one", FindingSeverity.Critical);
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);

        var tooLong = await member.PostAsJsonAsync("/api/v1/risk-acceptances", new { findingId = critical, reason = "We will get to it eventually.", expiresAt = DateTimeOffset.UtcNow.AddDays(200) });
        var tooShort = await member.PostAsJsonAsync("/api/v1/risk-acceptances", new { findingId = critical, reason = "meh", expiresAt = DateTimeOffset.UtcNow.AddDays(10) });
        var notJson = await member.PostAsync("/api/v1/risk-acceptances", new StringContent("{\"findingId\": \"x\"", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 30 days", (await ProblemAsync(tooLong)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("reason", (await ProblemAsync(tooShort)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(0, await App.ScalarAsync("SELECT COUNT(*) FROM RiskAcceptances WHERE FindingId = $f", ("$f", critical)));
    }

    [Fact]
    public async Task A_rule_scope_acceptance_covers_matches_now_and_later_and_its_expiry_reopens_exactly_what_it_covered()
    {
        var team = await App.SeedTeamAsync(Unique("platform"));
        var otherTeam = await App.SeedTeamAsync(Unique("other"));
        var cve = "CVE-2025-" + Random.Shared.Next(100000, 999999);
        var image = "registry.example.com/platform/runner-" + Guid.NewGuid().ToString("N")[..6];
        var first = await App.SeedFindingAsync(team, "runner: " + cve, FindingSeverity.Low, vulnerabilityId: cve, image: image);
        var second = await App.SeedFindingAsync(team, "runner: " + cve, FindingSeverity.Low, vulnerabilityId: cve, image: image + "-b");
        var elsewhere = await App.SeedFindingAsync(otherTeam, "other team: " + cve, FindingSeverity.Low, vulnerabilityId: cve);
        var falsePositive = await App.SeedFindingAsync(team, "fp: " + cve, FindingSeverity.Low, vulnerabilityId: cve, image: image + "-c");
        await App.WithDbAsync(db => db.Findings.Where(f => f.Id == falsePositive).ExecuteUpdateAsync(s => s.SetProperty(f => f.Resolution, FindingResolution.FalsePositive)));
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        using var admin = await App.SignedInClientAsync(Roles.SecurityAdmin);

        var id = await RequestAsync(member, new { ruleId = cve, reason = "CLI tool in ephemeral CI runners only, no network exposure.", expiresAt = DateTimeOffset.UtcNow.AddDays(30) });
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(admin, id, approve: true)).StatusCode);

        Assert.Equal(FindingResolution.RiskAccepted, (await App.FindingByIdAsync(first)).Resolution);
        Assert.Equal(FindingResolution.RiskAccepted, (await App.FindingByIdAsync(second)).Resolution);
        Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(elsewhere)).Resolution);

        // A finding of the same rule that appears after approval is covered too (after pushes, and by the daily job).
        var later = await App.SeedFindingAsync(team, "runner: " + cve, FindingSeverity.Low, vulnerabilityId: cve, image: image + "-d");
        Assert.Equal(1, await App.AsSystemAsync(sp => sp.GetRequiredService<RuleScopeCoverage>().RunOnceAsync(CancellationToken.None)));
        Assert.Equal(FindingResolution.RiskAccepted, (await App.FindingByIdAsync(later)).Resolution);

        fixture.Clock.Offset = TimeSpan.FromDays(31);
        try
        {
            var expired = await App.AsJobAsync(sp => sp.GetRequiredService<RiskAcceptanceExpiryJob>().RunAsync(CancellationToken.None));
            Assert.True(expired >= 1);
        }
        finally
        {
            fixture.Clock.Offset = TimeSpan.Zero;
        }

        foreach (var reopened in new[] { first, second, later })
        {
            Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(reopened)).Resolution);
            Assert.Equal(1, await App.ScalarAsync($"SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 4 AND Detail LIKE '%#{id} expired%'", ("$f", reopened)));
        }
        Assert.Equal(FindingResolution.FalsePositive, (await App.FindingByIdAsync(falsePositive)).Resolution);
        var row = await App.WithDbAsync(db => db.RiskAcceptances.SingleAsync(r => r.Id == id));
        Assert.Equal(RiskAcceptanceStatus.Expired, row.Status);
        Assert.NotNull(row.ExpiredAt);
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.expire' AND EntityId = $id AND Actor = 'job:risk-acceptance-expiry'", ("$id", id.ToString())));
    }

    [Fact]
    public async Task The_security_team_revokes_an_approved_acceptance_early_and_what_it_covered_opens_again()
    {
        var team = await App.SeedTeamAsync(Unique("checkout"));
        var finding = await App.SeedFindingAsync(team, "libxml2: CVE-2025-0004", FindingSeverity.High);
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        using var admin = await App.SignedInClientAsync(Roles.SecurityAdmin);
        var id = await RequestAsync(member, new { findingId = finding, reason = "Parser only reads our own signed files.", expiresAt = DateTimeOffset.UtcNow.AddDays(60) });
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(admin, id, approve: true)).StatusCode);

        var byTeam = await member.PostAsJsonAsync($"/api/v1/risk-acceptances/{id}/revoke", new { reason = "We would rather keep it quiet." });
        var noReason = await analyst.PostAsJsonAsync($"/api/v1/risk-acceptances/{id}/revoke", new { reason = "" });
        Assert.Equal(HttpStatusCode.Forbidden, byTeam.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", (await ProblemAsync(noReason)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(FindingResolution.RiskAccepted, (await App.FindingByIdAsync(finding)).Resolution);

        var revoked = await analyst.PostAsJsonAsync($"/api/v1/risk-acceptances/{id}/revoke", new { reason = "CVE-2025-0004 is now exploited in the wild." });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(1, (await revoked.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("reopenedFindings").GetInt32());
        Assert.Equal(FindingResolution.None, (await App.FindingByIdAsync(finding)).Resolution);
        var row = await App.WithDbAsync(db => db.RiskAcceptances.SingleAsync(r => r.Id == id));
        Assert.Equal((RiskAcceptanceStatus.Revoked, "Sam Analyst", "CVE-2025-0004 is now exploited in the wild."), (row.Status, row.RevokedBy, row.RevocationReason));
        Assert.Equal(1, await App.ScalarAsync($"SELECT COUNT(*) FROM FindingEvents WHERE FindingId = $f AND Kind = 4 AND Detail LIKE '%#{id} was revoked by Sam Analyst%'", ("$f", finding)));
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.revoke' AND EntityId = $id AND Actor = 'Sam Analyst'", ("$id", id.ToString())));
        // Ended once: revoking again is a conflict, and the expiry job leaves it alone.
        Assert.Equal(HttpStatusCode.Conflict, (await analyst.PostAsJsonAsync($"/api/v1/risk-acceptances/{id}/revoke", new { reason = "Second time for good measure." })).StatusCode);
    }

    [Fact]
    public async Task A_requester_withdraws_their_own_pending_request_but_not_someone_elses()
    {
        var team = await App.SeedTeamAsync(Unique("search"));
        var finding = await App.SeedFindingAsync(team, "busybox: CVE-2025-0005");
        using var member = await App.SignedInClientAsync(Roles.AppTeamMember, team);
        using var analyst = await App.SignedInClientAsync(Roles.SecurityAnalyst);
        var mine = await RequestAsync(member, new { findingId = finding, reason = "Scheduled for removal next sprint anyway.", expiresAt = DateTimeOffset.UtcNow.AddDays(20) });
        var other = await App.SeedFindingAsync(team, "busybox: CVE-2025-0006");
        var theirs = await RequestAsync(analyst, new { findingId = other, reason = "Analyst-raised exception while we check.", expiresAt = DateTimeOffset.UtcNow.AddDays(20) });

        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/v1/risk-acceptances/{theirs}/revoke", new { reason = "Not yours to keep open." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync($"/api/v1/risk-acceptances/{mine}/revoke", new { reason = "Fixed sooner than planned." })).StatusCode);

        Assert.Equal(RiskAcceptanceStatus.Revoked, await App.WithDbAsync(db => db.RiskAcceptances.Where(r => r.Id == mine).Select(r => r.Status).SingleAsync()));
        Assert.Equal(RiskAcceptanceStatus.Pending, await App.WithDbAsync(db => db.RiskAcceptances.Where(r => r.Id == theirs).Select(r => r.Status).SingleAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(analyst, mine, approve: true)).StatusCode);
    }
}
