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
    public async Task An_app_team_members_query_names_only_its_teams_so_sqlite_searches_an_owner_team_index()
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, _payments.ToString())));
        var query = db.Findings.Where(f => f.Status == FindingStatus.Open && f.SlaDueAt != null && f.SlaDueAt < DateTimeOffset.UnixEpoch);
        var sql = query.ToQueryString();
        // "@seesAll OR OwnerTeamId = @id" would make SQLite read every open finding instead.
        Assert.DoesNotContain("ef_filter__SeesAllTeams", sql);
        Assert.Contains("\"OwnerTeamId\" = @ef_filter__VisibleTeamIds", sql);

        var plan = await PlanAsync(db, sql);
        Assert.Contains(plan, step => step.Contains("USING INDEX IX_Findings_OwnerTeamId_", StringComparison.Ordinal) && step.Contains("OwnerTeamId=?", StringComparison.Ordinal));
        Assert.Equal(0, await query.CountAsync());
    }

    [Fact]
    public async Task A_security_analysts_query_tests_the_scopes_sees_all_value_and_no_team()
    {
        await using var db = _database.Open(ScopeOf(new Claim(ClaimTypes.Role, Roles.SecurityAnalyst)));
        var sql = db.Findings.Where(f => f.Status == FindingStatus.Open).ToQueryString();
        // The all-teams model still asks the scope on every query, so a context outliving a change of role shows no more than it should.
        Assert.Contains("WHERE @ef_filter__SeesAllTeams", sql);
        Assert.DoesNotContain("OwnerTeamId", sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..]);
        Assert.Equal(4, await db.Findings.CountAsync());
    }

    /// <summary>EXPLAIN QUERY PLAN of the SQL EF wrote, with its parameter values (ToQueryString declares them first).</summary>
    private static async Task<List<string>> PlanAsync(K8PostureDbContext db, string sqlWithParameters)
    {
        var parameters = new Dictionary<string, string>();
        var lines = sqlWithParameters.Split('\n');
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line[".param set ".Length..].Split(' ', 2);
            parameters[parts[0]] = parts[1].Trim();
        }
        var sql = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value.StartsWith('\'') ? value.Trim('\'') : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            command.Parameters.Add(parameter);
        }
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
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
