using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.UnitTests.Data;

/// <summary>The query filters on team-owned entities, against a real SQLite file.</summary>
public sealed class TeamScopingFacts : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;
    private int _payments;
    private int _ledger;

    public async Task InitializeAsync()
    {
        _database = await new SqliteTestDatabase().MigrateAsync();
        await using var db = _database.Open(SqliteTestDatabase.SystemScope());
        var payments = new Team { Name = "Payments" };
        var ledger = new Team { Name = "Ledger" };
        var cluster = new Cluster { Name = "prod", Namespaces = [new ClusterNamespace { Name = "payments", OwnerTeam = payments }] };
        var shared = new Cluster { Name = "ledger-only", Namespaces = [new ClusterNamespace { Name = "ledger", OwnerTeam = ledger }] };
        db.AddRange(payments, ledger, cluster, shared);
        await db.SaveChangesAsync();
        _payments = payments.Id;
        _ledger = ledger.Id;
        db.Findings.AddRange(
            NewFinding("a", payments.Id),
            NewFinding("b", payments.Id),
            NewFinding("c", ledger.Id),
            NewFinding("d", null));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static Finding NewFinding(string id, int? team) => new()
    {
        Fingerprint = id.PadLeft(64, '0'),
        ContentHash = "0",
        Source = "test",
        ScopeKey = "scope",
        Title = "finding " + id,
        OwnerTeamId = team,
    };

    private static DataScope ScopeOf(params Claim[] claims)
    {
        var scope = new DataScope();
        scope.SetUser(new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role)));
        return scope;
    }

    [Fact]
    public async Task An_app_team_member_reads_only_its_teams_findings()
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, _payments.ToString())));
        var titles = await db.Findings.Select(f => f.Title).OrderBy(t => t).ToListAsync();
        Assert.Equal(["finding a", "finding b"], titles);
        Assert.Null(await db.Findings.FirstOrDefaultAsync(f => f.OwnerTeamId == _ledger));
    }

    [Fact]
    public async Task An_app_team_member_sees_only_clusters_and_namespaces_it_owns_something_in()
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, _ledger.ToString())));
        Assert.Equal(["ledger-only"], await db.Clusters.Select(c => c.Name).ToListAsync());
        Assert.Equal(["ledger"], await db.Namespaces.Select(n => n.Name).ToListAsync());
    }

    [Theory]
    [InlineData(Roles.SecurityAdmin)]
    [InlineData(Roles.SecurityAnalyst)]
    [InlineData(Roles.LeadershipViewer)]
    [InlineData(Roles.Auditor)]
    public async Task Organisation_wide_roles_see_every_finding_including_unowned(string role)
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, role)));
        Assert.Equal(4, await db.Findings.CountAsync());
    }

    [Fact]
    public async Task An_unidentified_caller_sees_nothing()
    {
        await using var db = _database.Open(new DataScope());
        Assert.Equal(0, await db.Findings.CountAsync());
        Assert.Equal(0, await db.Clusters.CountAsync());
    }

    [Fact]
    public async Task An_app_team_member_without_a_team_claim_sees_nothing()
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, Roles.AppTeamMember)));
        Assert.Equal(0, await db.Findings.CountAsync());
    }

    [Fact]
    public async Task A_team_scoped_pipeline_key_sees_only_its_team()
    {
        await using var db = _database.Open(ScopeOf(
            new Claim(K8PostureClaims.ApiKeyId, "7"),
            new Claim(K8PostureClaims.Scope, ApiScopes.Read),
            new Claim(K8PostureClaims.Team, _ledger.ToString())));
        Assert.Equal(["finding c"], await db.Findings.Select(f => f.Title).ToListAsync());
    }
}
