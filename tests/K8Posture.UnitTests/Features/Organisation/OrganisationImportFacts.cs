using K8Posture.Shared.Http;
using System.Text;
using K8Posture.Data;
using K8Posture.Features.Organisation;
using K8Posture.UnitTests.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace K8Posture.UnitTests.Features.Organisation;

/// <summary>The diff and apply of an organisation document against a real SQLite file.</summary>
public sealed class OrganisationImportFacts : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());

    public async Task InitializeAsync() => _database = await new SqliteTestDatabase().MigrateAsync();

    public async Task DisposeAsync()
    {
        _cache.Dispose();
        await _database.DisposeAsync();
    }

    private sealed class Contexts(SqliteTestDatabase database, DataScope scope) : IDbContextFactory<K8PostureDbContext>
    {
        public K8PostureDbContext CreateDbContext() => database.Open(scope);
    }

    private OrganisationImport Import(DataScope? scope = null) =>
        new(new Contexts(_database, scope ?? SqliteTestDatabase.SystemScope()), new AuditLog(TimeProvider.System), _cache, TimeProvider.System);

    private static OrganisationDocument Document(string yaml) =>
        OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes("apiVersion: k8posture.io/v1\nkind: Organisation\n" + yaml)).Document;

    private Task<OrganisationDiff> ApplyAsync(string yaml, bool dryRun = false) => Import().ApplyAsync(Document(yaml), OrganisationFormat.Yaml, dryRun, CancellationToken.None);

    private async Task<T> QueryAsync<T>(Func<K8PostureDbContext, Task<T>> query)
    {
        await using var db = _database.Open(SqliteTestDatabase.SystemScope());
        return await query(db);
    }

    [Fact]
    public async Task A_change_is_listed_field_by_field_and_what_is_left_out_is_left_alone()
    {
        await ApplyAsync("""
            teams:
              - name: Payments
                description: Cards
                contactEmail: old@example.com
                chatChannel: "#payments"
                applications: [{ name: payments-api, dataClassification: Internal }]
            """);

        var diff = await ApplyAsync("""
            teams:
              - name: Payments
                contactEmail: new@example.com
                chatChannel: null
                applications: [{ name: payments-api, vendorProduct: true }]
            """);

        var team = Assert.Single(diff.Entities, e => e.Kind == "team");
        Assert.Equal(OrganisationImport.Update, team.Action);
        Assert.Equal(["contactEmail", "chatChannel"], team.Changes.Keys);
        Assert.Equal(new FieldChange("old@example.com", "new@example.com"), team.Changes["contactEmail"]);
        Assert.Equal(new FieldChange("#payments", null), team.Changes["chatChannel"]);
        var application = Assert.Single(diff.Entities, e => e.Kind == "application");
        Assert.Equal(new FieldChange(false, true), Assert.Single(application.Changes).Value);
        Assert.Equal(new OrganisationDiffTotals(0, 2, 0), diff.Totals);

        var stored = await QueryAsync(db => db.Teams.SingleAsync(t => t.Name == "Payments"));
        Assert.Equal("Cards", stored.Description);
        Assert.Null(stored.ChatChannel);
        var app = await QueryAsync(db => db.Applications.SingleAsync());
        Assert.Equal(DataClassification.Internal, app.DataClassification);
    }

    [Fact]
    public async Task A_group_or_application_placed_in_another_team_moves_there_and_both_sides_are_audited()
    {
        await ApplyAsync("""
            teams:
              - name: Payments
                groups: [{ id: 3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b, displayName: sg-payments }]
                applications: [{ name: shared-api }]
              - name: Ledger
            """);

        var diff = await ApplyAsync("""
            teams:
              - name: Ledger
                groups: [{ id: 3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b }]
                applications: [{ name: shared-api }]
            """);

        Assert.Equal(new FieldChange("Payments", "Ledger"), Assert.Single(diff.Entities, e => e.Kind == "group").Changes["team"]);
        Assert.Equal(new FieldChange("Payments", "Ledger"), Assert.Single(diff.Entities, e => e.Kind == "application").Changes["team"]);
        var group = await QueryAsync(db => db.TeamGroups.Include(g => g.Team).SingleAsync());
        Assert.Equal("Ledger", group.Team!.Name);
        Assert.Equal("sg-payments", group.DisplayName);
        var actions = await QueryAsync(db => db.AuditEvents.Where(e => e.EntityType == nameof(TeamGroup)).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["team-group.add", "team-group.remove", "team-group.add"], actions);
    }

    [Fact]
    public async Task A_dry_run_lists_the_same_diff_and_writes_nothing()
    {
        const string yaml = """
            businessUnits:
              - name: Finance
                teams: [{ name: Payments, groups: [{ id: 3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b }] }]
            namespaceOwnership:
              explicit: { prod/payments: Payments }
            """;

        var dryRun = await ApplyAsync(yaml, dryRun: true);

        Assert.True(dryRun.DryRun);
        Assert.False(dryRun.Applied);
        Assert.Equal(new OrganisationDiffTotals(3, 1, 0), dryRun.Totals);
        Assert.Equal(0, await QueryAsync(db => db.Teams.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.AuditEvents.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.PolicyVersions.CountAsync()));

        var applied = await ApplyAsync(yaml);

        Assert.Equal(dryRun.Entities.Select(e => (e.Kind, e.Name, e.Action, e.Changes.Count)), applied.Entities.Select(e => (e.Kind, e.Name, e.Action, e.Changes.Count)));
        Assert.True(applied.Applied);
        Assert.Equal(1, await QueryAsync(db => db.PolicyVersions.CountAsync()));
    }

    [Fact]
    public async Task A_team_referred_to_but_defined_nowhere_and_a_name_differing_only_in_case_are_refused()
    {
        await ApplyAsync("teams: [{ name: Payments }]");

        var error = await Assert.ThrowsAsync<OrganisationDocumentException>(() => ApplyAsync("""
            teams: [{ name: payments }]
            pipelineIdentities:
              - { entraId: 9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e, displayName: ci, team: Nobody }
            namespaceOwnership:
              explicit: { "*/ledger": Ledger }
            """));

        Assert.Equal(["teams[0].name", "pipelineIdentities[0].team", "namespaceOwnership.explicit[\"*/ledger\"]"], error.Errors.Select(e => e.Path));
        Assert.Equal(1, await QueryAsync(db => db.Teams.CountAsync()));
    }

    [Fact]
    public async Task Only_an_organisation_wide_caller_imports()
    {
        var teamMember = new DataScope();
        teamMember.SetUser(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, K8Posture.Security.Roles.AppTeamMember)], "test")));

        var error = await Assert.ThrowsAsync<ProblemException>(() =>
            Import(teamMember).ApplyAsync(Document("teams: [{ name: Payments }]"), OrganisationFormat.Yaml, false, CancellationToken.None));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(0, await QueryAsync(db => db.Teams.CountAsync()));
    }

    [Fact]
    public async Task Applying_clears_the_cached_group_and_pipeline_maps()
    {
        _cache.Set(OrganisationService.TeamGroupsCacheKey, "stale");
        _cache.Set(OrganisationService.PipelineIdentitiesCacheKey, "stale");

        await ApplyAsync("teams: [{ name: Payments, groups: [{ id: 3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b }] }]");

        Assert.False(_cache.TryGetValue(OrganisationService.TeamGroupsCacheKey, out _));
        Assert.False(_cache.TryGetValue(OrganisationService.PipelineIdentitiesCacheKey, out _));
    }
}
