using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Tenancy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Tenancy;

public sealed class TenancyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Answers that call for a dedicated cluster (a privileged vendor agent next to cardholder data).</summary>
    private static readonly TenancyAnswers Dedicated = new()
    {
        VendorProduct = "FraudShield",
        VendorNeedsHighPrivileges = true,
        DataClasses = [DataClass.Cardholder],
        Regulations = [Regulation.PciDss],
    };

    private static async Task<int> CreateAsync(HttpClient client, string application, int teamId, TenancyAnswers answers)
    {
        var response = await client.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application, teamId, answers }, options: HttpJson.Options));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static HttpContent Comment(string comment) => JsonContent.Create(new { comment });

    private Task<string> StatusAsync(int id) => app.WithDbAsync(async db => (await db.TenancyAssessments.SingleAsync(a => a.Id == id)).Status.ToString());

    [Fact]
    public async Task An_app_team_drafts_and_submits_for_its_own_team_but_cannot_approve_and_security_approves_with_four_eyes()
    {
        var teamId = await app.SeedTeamAsync(Unique("payments"));
        var otherTeamId = await app.SeedTeamAsync(Unique("other"));
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        using var leadership = await app.SignedInClientAsync(Roles.LeadershipViewer);

        // Not for another team, and not for a read-only role.
        var foreign = await member.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application = "x", teamId = otherTeamId, answers = new TenancyAnswers() }, options: HttpJson.Options));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var readOnly = await leadership.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application = "x", teamId, answers = new TenancyAnswers() }, options: HttpJson.Options));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);

        var id = await CreateAsync(member, Unique("payments-api"), teamId, Dedicated);
        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync($"/api/v1/tenancy/assessments/{id}/submit", null)).StatusCode);

        // The app team cannot approve its own assessment; the server refuses and nothing changes.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", Comment("looks good to us"))).StatusCode);
        Assert.Equal("Submitted", await StatusAsync(id));

        // A rejection needs a comment.
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/reject", Comment(""))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", Comment("Dedicated it is"))).StatusCode);
        Assert.Equal("Approved", await StatusAsync(id));

        var detail = await member.GetFromJsonAsync<JsonElement>($"/api/v1/tenancy/assessments/{id}", HttpJson.Options);
        var assessment = detail.GetProperty("assessment");
        Assert.Equal("SingleTenant", assessment.GetProperty("recommendation").GetString());
        Assert.Equal("Sam Analyst", assessment.GetProperty("reviewedBy").GetString());
        // Dedicated-level score: re-assess within 6 months.
        var due = assessment.GetProperty("reassessDueAt").GetDateTimeOffset();
        Assert.InRange(due, DateTimeOffset.UtcNow.AddMonths(6).AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6).AddDays(1));
        Assert.Contains(detail.GetProperty("result").GetProperty("decision").EnumerateArray(), l => l.GetString()!.Contains("eggs in one basket", StringComparison.Ordinal));

        // A decided assessment is immutable.
        Assert.Equal(HttpStatusCode.Conflict, (await member.PutAsync($"/api/v1/tenancy/assessments/{id}/answers", JsonContent.Create(new TenancyAnswers(), options: HttpJson.Options))).StatusCode);

        // Every step was audited.
        Assert.Equal(3, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE EntityType = 'TenancyAssessment' AND EntityId = $id AND Action IN ('tenancy.create','tenancy.submit','tenancy.approve')",
            ("$id", id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        _ = admin;
    }

    [Fact]
    public async Task The_approver_is_never_the_author_or_the_submitter()
    {
        var teamId = await app.SeedTeamAsync(Unique("ledger"));
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);

        // The analyst writes and submits it for the team; the same analyst may not approve or reject it.
        var id = await CreateAsync(analyst, Unique("general-ledger"), teamId, new TenancyAnswers { DataClasses = [DataClass.Finance] });
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/submit", null)).StatusCode);

        var self = await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", Comment("mine"));
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Contains("Four-eyes", (await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/reject", Comment("mine"))).StatusCode);
        Assert.Equal("Submitted", await StatusAsync(id));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", Comment("checked"))).StatusCode);
        Assert.Equal("Approved", await StatusAsync(id));
    }

    [Fact]
    public async Task Assessments_are_scoped_to_the_owner_team()
    {
        var teamA = await app.SeedTeamAsync(Unique("team-a"));
        var teamB = await app.SeedTeamAsync(Unique("team-b"));
        using var memberA = await app.SignedInClientAsync(Roles.AppTeamMember, teamA);
        using var memberB = await app.SignedInClientAsync(Roles.AppTeamMember, teamB);
        using var auditor = await app.SignedInClientAsync(Roles.Auditor);
        var application = Unique("secret-app");
        var id = await CreateAsync(memberA, application, teamA, new TenancyAnswers());

        var listB = await memberB.GetFromJsonAsync<JsonElement>("/api/v1/tenancy/assessments");
        Assert.DoesNotContain(listB.EnumerateArray(), a => a.GetProperty("application").GetString() == application);
        Assert.Equal(HttpStatusCode.NotFound, (await memberB.GetAsync($"/api/v1/tenancy/assessments/{id}")).StatusCode);
        // Team B cannot act on it either: to B it does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await memberB.PostAsync($"/api/v1/tenancy/assessments/{id}/submit", null)).StatusCode);
        Assert.Equal("Draft", await StatusAsync(id));

        var listA = await memberA.GetFromJsonAsync<JsonElement>("/api/v1/tenancy/assessments");
        Assert.Contains(listA.EnumerateArray(), a => a.GetProperty("application").GetString() == application);
        var all = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/tenancy/assessments");
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("application").GetString() == application);
    }

    [Fact]
    public async Task A_mismatch_becomes_a_finding_of_the_owner_team_and_closes_when_the_placement_fits()
    {
        var teamId = await app.SeedTeamAsync(Unique("fraud"));
        var otherTeam = await app.SeedTeamAsync(Unique("bystander"));
        var application = Unique("fraud-engine");
        var clusterName = Unique("shared-eks");
        var clusterId = await app.WithDbAsync(async db =>
        {
            var cluster = new Cluster { Name = clusterName, Provider = ClusterProvider.Eks, Tenancy = TenancyModel.SharedStandard, CreatedAt = DateTimeOffset.UtcNow };
            cluster.Namespaces.Add(new ClusterNamespace { Name = "fraud", OwnerTeamId = teamId, Application = application });
            db.Clusters.Add(cluster);
            await db.SaveChangesAsync();
            return cluster.Id;
        });
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        using var bystander = await app.SignedInClientAsync(Roles.AppTeamMember, otherTeam);
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);

        var id = await CreateAsync(member, application, teamId, Dedicated);
        var draft = await member.GetFromJsonAsync<JsonElement>($"/api/v1/tenancy/assessments/{id}", HttpJson.Options);
        Assert.True(draft.GetProperty("assessment").GetProperty("mismatch").GetBoolean());
        // Only an approved decision makes findings.
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = 'tenancy-assessment' AND ResourceName = $a", ("$a", application)));

        await member.PostAsync($"/api/v1/tenancy/assessments/{id}/submit", null);
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", Comment("move it"))).StatusCode);

        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = 'tenancy-assessment' AND ResourceName = $a AND Status = 0 AND OwnerTeamId = $t AND ClusterId = $c AND Severity = 4 AND RuleId = 'K8P-TENANCY-001'",
            ("$a", application), ("$t", teamId), ("$c", clusterId)));
        var findings = await member.GetFromJsonAsync<JsonElement>("/api/v1/findings?q=" + application);
        Assert.Contains(findings.GetProperty("items").EnumerateArray(), f => f.GetProperty("title").GetString()!.Contains(clusterName, StringComparison.Ordinal));
        var theirs = await bystander.GetFromJsonAsync<JsonElement>("/api/v1/findings?q=" + application);
        Assert.Empty(theirs.GetProperty("items").EnumerateArray());

        // Running the check again changes nothing and leaves no empty batch behind.
        var batches = await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Source = 'tenancy-assessment'");
        var again = await app.AsSystemAsync(s => s.GetRequiredService<TenancyService>().ReconcileMismatchesAsync(CancellationToken.None));
        Assert.Null(again.BatchId);
        Assert.Equal(batches, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Source = 'tenancy-assessment'"));

        // The platform team moves the cluster to single tenancy: the finding closes.
        await app.WithDbAsync(async db => await db.Clusters.Where(c => c.Id == clusterId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Tenancy, TenancyModel.SingleTenant)));
        var fixedRun = await app.AsSystemAsync(s => s.GetRequiredService<TenancyService>().ReconcileMismatchesAsync(CancellationToken.None));
        Assert.True(fixedRun.Closed >= 1);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = 'tenancy-assessment' AND ResourceName = $a AND Status = 1", ("$a", application)));

        // And reopens when it stops fitting again (history kept on the same finding).
        await app.WithDbAsync(async db => await db.Clusters.Where(c => c.Id == clusterId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Tenancy, TenancyModel.SharedHardIsolation)));
        var reopened = await app.AsJobAsync(s => s.GetRequiredService<TenancyMismatchJob>().RunAsync(CancellationToken.None));
        Assert.True(reopened.Reopened >= 1);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = 'tenancy-assessment' AND ResourceName = $a AND Status = 0 AND Severity = 3", ("$a", application)));

        // The namespace moves away: no placement is left, so the finding closes too.
        await app.WithDbAsync(async db => await db.Namespaces.Where(n => n.ClusterId == clusterId).ExecuteUpdateAsync(s => s.SetProperty(n => n.Application, "something-else")));
        await app.AsSystemAsync(s => s.GetRequiredService<TenancyService>().ReconcileMismatchesAsync(CancellationToken.None));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Source = 'tenancy-assessment' AND ResourceName = $a AND Status = 1", ("$a", application)));
    }

    [Fact]
    public async Task Bad_input_is_a_problem_and_writes_nothing()
    {
        var teamId = await app.SeedTeamAsync(Unique("bad"));
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM TenancyAssessments");

        var noName = await member.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application = "", teamId, answers = new { dataClasses = Array.Empty<string>() } }));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        var detail = (await noName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("application is required", detail, StringComparison.Ordinal);
        Assert.Contains("/answers/dataClasses", detail, StringComparison.Ordinal);

        var badEnum = await member.PostAsync("/api/v1/tenancy/assessments", new StringContent($"{{\"application\":\"a\",\"teamId\":{teamId},\"answers\":{{\"dataClasses\":[\"Secret\"]}}}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.Contains("dataClasses", (await badEnum.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM TenancyAssessments"));
    }

    [Theory]
    [InlineData(Roles.LeadershipViewer)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.AppTeamMember)]
    public async Task Checking_placements_on_demand_is_refused_by_the_service_to_anyone_but_the_security_team(string role)
    {
        var teamId = await app.SeedTeamAsync(Unique("team"));
        var runsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Source = 'tenancy-assessment'");
        var refusal = await Assert.ThrowsAsync<ProblemException>(() =>
            app.AsCallerAsync<TenancyService, TenancyReconcileResult>(Callers.Person(role, role == Roles.AppTeamMember ? teamId : null),
                tenancy => tenancy.ReconcileMismatchesAsync(CancellationToken.None)));
        Assert.Equal(403, refusal.StatusCode);
        Assert.Equal(runsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE Source = 'tenancy-assessment'"));

        // The Security Team may.
        await app.AsCallerAsync<TenancyService, TenancyReconcileResult>(Callers.Person(Roles.SecurityAnalyst), tenancy => tenancy.ReconcileMismatchesAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("dataClasses")]
    [InlineData("regulations")]
    [InlineData("runtimeNeeds")]
    public async Task An_answer_list_sent_as_null_is_a_400_naming_it_not_a_server_error(string field)
    {
        var teamId = await app.SeedTeamAsync(Unique("team"));
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        var application = Unique("app");
        var body = "{\"application\": \"" + application + "\", \"teamId\": " + teamId + ", \"answers\": {\"" + field + "\": null}}";

        var response = await member.PostAsync("/api/v1/tenancy/assessments", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/answers/" + field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM TenancyAssessments WHERE Application = $a", ("$a", application)));
    }
}
