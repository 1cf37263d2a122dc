using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Scorecard;
using K8Posture.IntegrationTests.Features.Clusters;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Scorecard;

/// <summary>The scorecard answers from what was really pushed and collected, in the caller's scope (one app per test: the answers are global).</summary>
[Collection(HangfireCollection.Name)]
public sealed class ScorecardServiceFacts
{
    private static async Task<Dictionary<string, JsonElement>> ScorecardAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/scorecard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!);
    }

    private static string Status(JsonElement item) => item.GetProperty("status").GetString()!;

    private static string Evidence(JsonElement item) => string.Join("\n", item.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()));

    [Fact]
    public async Task An_empty_landscape_is_unknown_and_pushes_and_a_collection_turn_questions_into_gaps_with_their_counts()
    {
        await using var app = new K8PostureAppFactory();
        var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);

        var empty = await ScorecardAsync(admin);
        Assert.Equal("Unknown", Status(empty["area-vulnerability"]));
        Assert.Equal("Unknown", Status(empty["metadata-api"]));
        Assert.Equal("Unknown", Status(empty["pipelines"]));
        Assert.Equal("Gap", Status(empty["policy-ownership"]));
        Assert.All(empty.Values, i => Assert.StartsWith("/", i.GetProperty("link").GetString()));

        // A pipeline pushes an image scan.
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var pushed = await ingest.PostAsync("/api/v1/ingest/scans?pipeline=payments/build&scope=image:scorecard",
            new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")));
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);

        // A cluster is collected: the kubernetes-goat manifests, no VPC recorded.
        await using var fake = await new FakeKubernetesApi()
            .AddFixtures("kubernetes-goat/health-check-deployment.yaml", "kubernetes-goat/insecure-rbac-setup.yaml")
            .AddNamespace("default").StartAsync();
        var adminKey = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        Assert.Equal(HttpStatusCode.Created, (await adminKey.PostAsJsonAsync("/api/v1/clusters", new { name = "goat", serverUrl = fake.Address.ToString(), token = fake.Token })).StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.Where(c => c.Name == "goat").Select(c => c.Id).SingleAsync());
        var collected = await app.AsJobAsync(s => s.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));
        Assert.True(collected.Succeeded, collected.Error);

        var after = await ScorecardAsync(admin);

        var openVulnerabilities = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE Category = $c AND Status = 0 AND Resolution = 0",
            ("$c", (int)FindingCategory.Vulnerability));
        Assert.True(openVulnerabilities > 0);
        Assert.NotEqual("Unknown", Status(after["area-vulnerability"]));
        Assert.Contains($"Open: {openVulnerabilities:N0},", Evidence(after["area-vulnerability"]));
        Assert.Equal("Covered", Status(after["pipelines"]));
        Assert.Contains("payments/build", Evidence(after["pipelines"]));
        Assert.Equal("Gap", Status(after["vpc-strategy"]));
        Assert.Contains("goat", Evidence(after["vpc-strategy"]));

        // The goat's privileged pod and cluster-admin binding are gaps; the counts are the open findings of those rules.
        var rbacOpen = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE RuleId IN ('K8P-RBAC-001','K8P-RBAC-002','K8P-RBAC-003','K8P-RBAC-004','K8P-RBAC-005') AND Status = 0");
        Assert.True(rbacOpen > 0);
        Assert.Equal("Gap", Status(after["role-permissions"]));
        Assert.StartsWith($"{rbacOpen:N0} open finding(s)", Evidence(after["role-permissions"]));
        Assert.Equal("Gap", Status(after["privilege-escalation"]));
        var metadataOpen = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE RuleId = 'K8P-NET-002' AND Status = 0");
        Assert.Equal(metadataOpen > 0 ? "Gap" : "Covered", Status(after["metadata-api"]));
        Assert.Equal("Covered", Status(after["architecture"]));
        Assert.Contains("v1.31.0-fake", Evidence(after["architecture"]));
        var link = after["role-permissions"].GetProperty("link").GetString()!;
        Assert.Equal(link, RuleEvidence.FindingsLink("K8P-RBAC-001", "K8P-RBAC-002", "K8P-RBAC-003", "K8P-RBAC-004", "K8P-RBAC-005"));
        // The link opens the explorer on exactly those findings.
        var criteria = K8Posture.Features.Findings.FindingsQueryString.FromQuery(new Uri(new Uri("http://x"), link).Query);
        var listed = await app.AsSystemAsync(s => s.GetRequiredService<K8Posture.Features.Findings.FindingsQuery>().ListAsync(criteria, 0, 500));
        Assert.Equal(rbacOpen, listed.Total);
        Assert.All(listed.Items, f => Assert.StartsWith("K8P-RBAC-00", f.RuleId));
    }

    [Fact]
    public async Task An_app_team_is_answered_from_its_own_findings_only()
    {
        await using var app = new K8PostureAppFactory();
        var payments = await app.SeedTeamAsync("payments");
        var other = await app.SeedTeamAsync("other");
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var report = TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json");
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/api/v1/ingest/scans?team=payments&scope=image:a", new ByteArrayContent(report))).StatusCode);

        var member = await app.SignedInClientAsync(Roles.AppTeamMember, payments);
        var outsider = await app.SignedInClientAsync(Roles.AppTeamMember, other);

        var own = await ScorecardAsync(member);
        var theirs = await ScorecardAsync(outsider);

        var open = await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE OwnerTeamId = $t AND Status = 0 AND Category = $c",
            ("$t", payments), ("$c", (int)FindingCategory.Vulnerability));
        Assert.True(open > 0);
        Assert.Contains($"Open: {open:N0},", Evidence(own["area-vulnerability"]));
        Assert.Equal("Unknown", Status(theirs["area-vulnerability"]));
        Assert.Contains("Open: 0,", Evidence(theirs["area-vulnerability"]));
    }
}
