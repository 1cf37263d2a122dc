using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Landscape;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Features.Clusters;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Landscape;

/// <summary>
/// The first-run checklist ticks each step from its own rows in the real database (the app with Demo:Seed=false).
/// One app per test: the checklist counts the whole organisation. Registering a cluster schedules a Hangfire job.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class SetupChecklistFacts
{
    private static Task<SetupProgress> ChecklistAsSystemAsync(K8PostureAppFactory app) =>
        app.AsSystemAsync(services => services.GetRequiredService<SetupChecklist>().GetAsync());

    private static async Task<SetupProgress> ChecklistAsAsync(K8PostureAppFactory app, string role, params int[] teamIds)
    {
        _ = app.ServerAddress;
        await using var scope = app.Services.CreateAsyncScope();
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role),
             .. teamIds.Select(id => new Claim(K8PostureClaims.Team, id.ToString(CultureInfo.InvariantCulture)))],
            authenticationType: "test");
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(new ClaimsPrincipal(identity));
        return await scope.ServiceProvider.GetRequiredService<SetupChecklist>().GetAsync();
    }

    private static IReadOnlyList<SetupStep> Done(SetupProgress progress) => SetupProgress.Steps.Where(progress.IsDone).ToList();

    [Fact]
    public async Task Each_step_ticks_from_its_own_data_and_nothing_else()
    {
        await using var app = new K8PostureAppFactory();

        var empty = await ChecklistAsSystemAsync(app);
        Assert.Empty(Done(empty));
        Assert.Equal(0, empty.DoneCount);
        Assert.False(empty.HasData);

        // a. A team.
        var teamId = await app.SeedTeamAsync("Payments");
        var organisation = await ChecklistAsSystemAsync(app);
        Assert.Equal([SetupStep.Organisation], Done(organisation));
        Assert.Equal(1, organisation.Teams);

        // b. An Entra group mapped to it.
        await app.WithDbAsync(async db =>
        {
            db.TeamGroups.Add(new TeamGroup { TeamId = teamId, EntraGroupId = Guid.NewGuid().ToString(), DisplayName = "sg-payments" });
            return await db.SaveChangesAsync();
        });
        Assert.Equal([SetupStep.Organisation, SetupStep.EntraGroups], Done(await ChecklistAsSystemAsync(app)));

        // c. A key counts while it is active; a revoked one does not; an Entra pipeline identity counts as well.
        await app.CreateApiKeyAsync("ingest", name: "to-revoke");
        Assert.True((await ChecklistAsSystemAsync(app)).IsDone(SetupStep.PipelineKey));
        var keyId = await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == "to-revoke").Select(k => k.Id).SingleAsync());
        Assert.True(await app.AsSystemAsync(services => services.GetRequiredService<ApiKeyService>().RevokeAsync(keyId, CancellationToken.None)));
        Assert.False((await ChecklistAsSystemAsync(app)).IsDone(SetupStep.PipelineKey));
        await app.WithDbAsync(async db =>
        {
            db.PipelineIdentities.Add(new PipelineIdentity
            {
                EntraId = Guid.NewGuid().ToString(), DisplayName = "payments-ci", TeamId = teamId, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "tests",
            });
            return await db.SaveChangesAsync();
        });
        var keyed = await ChecklistAsSystemAsync(app);
        Assert.Equal([SetupStep.Organisation, SetupStep.EntraGroups, SetupStep.PipelineKey], Done(keyed));
        Assert.Equal((0, 1), (keyed.ActiveApiKeys, keyed.PipelineIdentities));
        Assert.False(keyed.HasData);

        // d. A first push, as the checklist's curl line sends it: the landscape has data; the cluster it names is
        // discovered, not registered, so step e stays open.
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var pushed = await ingest.PostAsync("/api/v1/ingest/scans?cluster=my-cluster",
            new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")));
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        var afterPush = await ChecklistAsSystemAsync(app);
        Assert.Equal([SetupStep.Organisation, SetupStep.EntraGroups, SetupStep.PipelineKey, SetupStep.FirstPush], Done(afterPush));
        Assert.Equal(1, afterPush.ProcessedPushes);
        Assert.True(afterPush.HasFindings);
        Assert.True(afterPush.HasData);
        Assert.Equal(1L, await app.ScalarAsync("SELECT COUNT(*) FROM Clusters WHERE Name = 'my-cluster' AND IsManaged = 0"));

        // e. A cluster registered with a connection.
        await using var fake = await new FakeKubernetesApi().AddNamespace("default").StartAsync();
        var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin"));
        var registered = await admin.PostAsJsonAsync("/api/v1/clusters", new { name = "prod-1", serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var complete = await ChecklistAsSystemAsync(app);
        Assert.Equal(SetupProgress.Steps, Done(complete));
        Assert.Equal(5, complete.DoneCount);
        Assert.True(complete.IsComplete);
        Assert.Equal(1, complete.ConnectedClusters);
    }

    [Fact]
    public async Task A_failed_push_is_no_first_push()
    {
        await using var app = new K8PostureAppFactory();
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var rejected = await ingest.PostAsync("/api/v1/ingest/scans?format=trivy", new StringContent("{ \"not\": \"a trivy report\" "));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.True(await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches") >= 1, "the failed push is kept as a batch");
        var progress = await ChecklistAsSystemAsync(app);
        Assert.False(progress.IsDone(SetupStep.FirstPush));
        Assert.False(progress.HasData);
    }

    [Fact]
    public async Task An_app_team_member_reads_the_organisations_counts_although_its_own_scope_is_empty()
    {
        await using var app = new K8PostureAppFactory();
        var owner = await app.SeedTeamAsync("Checkout");
        var bystander = await app.SeedTeamAsync("Marketing");
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teamId: owner));
        var pushed = await ingest.PostAsync("/api/v1/ingest/scans?scope=image:checkout",
            new ByteArrayContent(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json")));
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);

        var member = await ChecklistAsAsync(app, Roles.AppTeamMember, bystander);
        var admin = await ChecklistAsSystemAsync(app);

        // The member's own data scope holds none of those rows…
        _ = app.ServerAddress;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, bystander.ToString(CultureInfo.InvariantCulture))], "test")));
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
            Assert.False(await db.Findings.AnyAsync());
            Assert.False(await db.IngestBatches.AnyAsync());
        }
        // …yet the checklist shows the organisation's progress, the same as a Security admin's.
        Assert.Equal(admin, member);
        Assert.True(member.HasData);
        Assert.Equal(2, member.Teams);
        Assert.Equal(1, member.ActiveApiKeys);
    }
}
