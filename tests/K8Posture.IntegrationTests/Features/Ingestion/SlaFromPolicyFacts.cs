using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using K8Posture.Data;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using K8Posture.Shared;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>Due dates come from the Security Team's policy once one is saved, counted from first seen.</summary>
public sealed class SlaFromPolicyFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<List<Finding>> PushAsync(string scope)
    {
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var response = await pusher.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await app.WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope).ToListAsync());
    }

    [Fact]
    public async Task Without_a_policy_the_configured_defaults_apply_and_a_saved_policy_governs_new_findings()
    {
        var before = await PushAsync("image:sla-default");
        var medium = Assert.Single(before, f => f.Severity == FindingSeverity.Medium && f.PackageName == "e2fsprogs");
        Assert.Equal(TimeSpan.FromDays(90), medium.SlaDueAt - medium.FirstSeenAt);

        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var document = PolicyDocument.Default();
        document.SlaDays[FindingSeverity.Medium] = 14;
        document.SlaDays[FindingSeverity.Low] = 45;
        var saved = await admin.PostAsync("/api/v1/policy", JsonContent.Create(new { document, comment = "Tighter SLAs" }, options: HttpJson.Indented));
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);

        var after = await PushAsync("image:sla-policy");

        Assert.All(after.Where(f => f.Severity == FindingSeverity.Medium), f => Assert.Equal(TimeSpan.FromDays(14), f.SlaDueAt - f.FirstSeenAt));
        Assert.All(after.Where(f => f.Severity == FindingSeverity.Low), f => Assert.Equal(TimeSpan.FromDays(45), f.SlaDueAt - f.FirstSeenAt));
        Assert.Contains(after, f => f.Severity == FindingSeverity.Low);
    }
}
