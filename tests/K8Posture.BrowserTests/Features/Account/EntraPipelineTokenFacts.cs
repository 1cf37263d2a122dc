using System.Net;
using System.Text.Json.Nodes;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.BrowserTests.Features.Account;

/// <summary>
/// Pipelines with Entra ID app tokens (client credentials from the local Entra-shaped provider, app role
/// Pipeline.Ingest) push real Trivy reports: organisation-wide when unregistered, team-bound when a pipeline
/// identity names a team; the batch records the service principal.
/// </summary>
[Collection(EntraCollection.Name)]
public sealed class EntraPipelineTokenFacts(EntraAppFixture entra)
{
    private const string Report = "trivy/ubuntu-1804.json.golden";

    private static int VulnerabilityCount(string fixture) =>
        JsonNode.Parse(TestFixtures.Read(fixture))!["Results"]!.AsArray().Sum(r => r!["Vulnerabilities"]?.AsArray().Count ?? 0);

    private static string UniqueScope() => "test:" + Guid.NewGuid().ToString("N");

    private Task<(string Actor, int? TeamId)> BatchAsync(long batchId) => entra.App.WithDbAsync(db =>
        db.IngestBatches.AsNoTracking().Where(b => b.Id == batchId).Select(b => new ValueTuple<string, int?>(b.Actor, b.TeamId)).SingleAsync());

    private Task<int?[]> OwnersAsync(string scope) => entra.App.WithDbAsync(db =>
        db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope).Select(f => f.OwnerTeamId).ToArrayAsync());

    [Fact]
    public async Task An_unregistered_pipeline_with_the_ingest_role_pushes_for_the_whole_organisation()
    {
        var token = await entra.PipelineTokenAsync(entra.OrganisationPipeline);
        var scope = UniqueScope();

        var outcome = await EntraAppFixture.ReadJsonAsync<IngestOutcome>(await entra.PushScanAsync(token, Report, $"scope={scope}&pipeline=security-ci"));

        Assert.Equal(("processed", VulnerabilityCount(Report)), (outcome.Status, outcome.Created));
        var (actor, teamId) = await BatchAsync(outcome.BatchId);
        Assert.NotEqual("anonymous", actor);
        Assert.Contains(entra.OrganisationPipeline.ClientId, actor, StringComparison.OrdinalIgnoreCase);
        Assert.Null(teamId);
        var owners = await OwnersAsync(scope);
        Assert.Equal(outcome.Created, owners.Length);
        Assert.All(owners, Assert.Null);
    }

    [Fact]
    public async Task A_registered_pipeline_pushes_for_its_team_only_and_is_named_in_the_batch()
    {
        var payments = await entra.App.SeedTeamAsync("Payments-" + Guid.NewGuid().ToString("N")[..6]);
        var ledgerName = "Ledger-" + Guid.NewGuid().ToString("N")[..6];
        await entra.App.SeedTeamAsync(ledgerName);
        await entra.RegisterPipelineAsync(entra.TeamPipeline, payments);
        var token = await entra.PipelineTokenAsync(entra.TeamPipeline);
        var scope = UniqueScope();

        var outcome = await EntraAppFixture.ReadJsonAsync<IngestOutcome>(await entra.PushScanAsync(token, Report, $"scope={scope}&pipeline=payments-ci"));

        Assert.Equal(("processed", VulnerabilityCount(Report)), (outcome.Status, outcome.Created));
        var (actor, teamId) = await BatchAsync(outcome.BatchId);
        Assert.Contains(entra.TeamPipeline.ClientId, actor, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(entra.TeamPipeline.DisplayName, actor, StringComparison.Ordinal);
        Assert.Equal(payments, teamId);
        var owners = await OwnersAsync(scope);
        Assert.Equal(outcome.Created, owners.Length);
        Assert.All(owners, owner => Assert.Equal(payments, owner));

        // Another team's findings are not this pipeline's to write.
        var otherScope = UniqueScope();
        using var refused = await entra.PushScanAsync(token, Report, $"scope={otherScope}&team={ledgerName}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await OwnersAsync(otherScope));
    }

    [Fact]
    public async Task An_entra_token_for_another_audience_is_refused()
    {
        // Signed by the same tenant, but issued to Microsoft Graph, not to K8Posture.
        var graphToken = await entra.GraphTokenAsync();
        var scope = UniqueScope();

        using var response = await entra.PushScanAsync(graphToken, Report, $"scope={scope}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await OwnersAsync(scope));
    }
}
