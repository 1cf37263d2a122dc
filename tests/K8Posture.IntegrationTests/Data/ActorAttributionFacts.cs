using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Account;
using K8Posture.Features.Raci;
using K8Posture.Features.Remediation;
using K8Posture.Features.Tenancy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Data;

/// <summary>
/// The actor of every audit event, finding event and batch is the identity that caused it: a person's change names the
/// person while jobs run beside it, and a job's work names the job.
/// </summary>
public sealed class ActorAttributionFacts
{
    private static readonly System.Security.Claims.ClaimsPrincipal Impostor = new(new System.Security.Claims.ClaimsIdentity(
        [new(System.Security.Claims.ClaimTypes.Name, "Quinn Admin"), new(System.Security.Claims.ClaimTypes.Role, Roles.SecurityAdmin)],
        "test", System.Security.Claims.ClaimTypes.Name, System.Security.Claims.ClaimTypes.Role));

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task People_acting_while_jobs_run_are_named_and_the_jobs_name_themselves()
    {
        await using var app = new K8PostureAppFactory();
        var teamId = await app.SeedTeamAsync(Unique("payments"));
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        var teamName = await app.WithDbAsync(db => db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).SingleAsync());
        var started = DateTimeOffset.UtcNow;

        using var jobsStop = new CancellationTokenSource();
        var jobRuns = 0;
        var jobs = Task.Run(async () =>
        {
            while (!jobsStop.IsCancellationRequested)
            {
                await app.AsJobAsync(s => s.GetRequiredService<TenancyMismatchJob>().RunAsync(CancellationToken.None));
                await app.AsJobAsync(s => s.GetRequiredService<RemediationMetricsJob>().RunAsync(CancellationToken.None));
                await app.AsJobAsync(s => s.GetRequiredService<RiskAcceptanceExpiryJob>().RunAsync(CancellationToken.None));
                Interlocked.Increment(ref jobRuns);
            }
        });

        var assessments = new List<int>();
        for (var round = 0; round < 4; round++)
        {
            var current = await admin.GetFromJsonAsync<JsonElement>("/api/v1/raci");
            var matrix = current.GetProperty("matrix").Deserialize<RaciMatrix>(HttpJson.Indented)!;
            matrix.Parties.Add(new RaciParty { Key = $"party-{round}", Name = $"Party {round}", Kind = RaciPartyKind.Role });
            var saved = await admin.PutAsync("/api/v1/raci", JsonContent.Create(
                new { matrix, comment = $"round {round}", expectedVersion = current.GetProperty("version").GetInt32() is > 0 and var v ? v : (int?)null }, options: HttpJson.Indented));
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

            var created = await member.PostAsync("/api/v1/tenancy/assessments",
                JsonContent.Create(new { application = Unique("app"), teamId, answers = new TenancyAnswers() }, options: HttpJson.Options));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
            assessments.Add(id);
            Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync($"/api/v1/tenancy/assessments/{id}/submit", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await analyst.PostAsync($"/api/v1/tenancy/assessments/{id}/approve", JsonContent.Create(new { comment = "fine" }))).StatusCode);
        }
        await jobsStop.CancelAsync();
        await jobs;
        Assert.True(jobRuns > 0, "the jobs ran beside the people");

        var events = (await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().ToListAsync())).Where(e => e.At >= started).ToList();
        var raci = events.Where(e => e.Action == "raci.save").ToList();
        Assert.Equal(4, raci.Count);
        Assert.All(raci, e => Assert.Equal(LocalPersona.NameFor(Roles.SecurityAdmin), e.Actor));
        var ids = assessments.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var tenancy = events.Where(e => e.EntityType == nameof(TenancyAssessment) && ids.Contains(e.EntityId!)).ToList();
        Assert.Equal(12, tenancy.Count);
        Assert.All(tenancy.Where(e => e.Action is "tenancy.create" or "tenancy.submit"), e => Assert.Equal($"{teamName} member", e.Actor));
        Assert.All(tenancy.Where(e => e.Action == "tenancy.approve"), e => Assert.Equal(LocalPersona.NameFor(Roles.SecurityAnalyst), e.Actor));
        var versions = await app.WithDbAsync(db => db.RaciVersions.AsNoTracking().Select(v => v.CreatedBy).ToListAsync());
        Assert.All(versions, by => Assert.Equal(LocalPersona.NameFor(Roles.SecurityAdmin), by));

        // Nothing a person did is named after a job, and what the jobs recorded is named after them.
        Assert.DoesNotContain(events, e => e.Actor.StartsWith("job:", StringComparison.Ordinal) && e.EntityType is nameof(RaciVersion) or nameof(TenancyAssessment));
        var jobBatches = await app.WithDbAsync(db => db.IngestBatches.AsNoTracking().Select(b => b.Actor).ToListAsync());
        Assert.All(jobBatches, actor => Assert.StartsWith("job:", actor));
    }

    [Fact]
    public async Task A_job_cannot_run_in_a_persons_scope_nor_a_service_act_for_someone_other_than_its_scope()
    {
        await using var app = new K8PostureAppFactory();
        _ = app.ServerAddress;
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(Callers.Person(Roles.SecurityAdmin));

        // The seeder once ran the metrics job inside its own scope, and every later audit event read "job:remediation-metrics".
        var relabel = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            scope.ServiceProvider.GetRequiredService<RemediationMetricsJob>().RunAsync(CancellationToken.None));
        Assert.Contains("someone-" + Roles.SecurityAdmin, relabel.Message);
        Assert.Equal("someone-" + Roles.SecurityAdmin, scope.ServiceProvider.GetRequiredService<DataScope>().Actor);

        var impostor = await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<RaciService>()
            .SaveNewVersionAsync(Impostor, RaciDefaults.Matrix(), "not mine to sign", null, CancellationToken.None));
        Assert.Contains("not for Quinn Admin", impostor.Message);
        Assert.Equal(0, await app.WithDbAsync(db => db.RaciVersions.CountAsync()));
    }
}
