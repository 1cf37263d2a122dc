using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Features.Inventory;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Inventory;

/// <summary>App teams see only their own inventory; team-bound keys push only for their team.</summary>
public sealed class InventoryScopingFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static readonly string[] SampleTeams = ["Payments", "Ledger", "Storefront", "Campaigns", "Payroll", "Platform"];

    private async Task<Dictionary<string, int>> SeedTeamsOnceAsync()
    {
        var existing = await app.WithDbAsync(db => Task.FromResult(db.Teams.ToDictionary(t => t.Name, t => t.Id)));
        foreach (var name in SampleTeams.Where(n => !existing.ContainsKey(n)))
        {
            existing[name] = await app.SeedTeamAsync(name);
        }
        return existing;
    }

    [Fact]
    public async Task An_app_team_member_sees_only_the_desktops_and_pulls_of_their_team()
    {
        var teams = await SeedTeamsOnceAsync();
        using var admin = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(admin, TestFixtures.Read(InventoryPush.Mdm)));
        await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(admin, TestFixtures.Read(InventoryPush.Egress)));

        using var member = await app.SignedInClientAsync("AppTeam.Member", teams["Payments"]);
        var desktops = await member.GetFromJsonAsync<InventoryApiPage>("/api/v1/inventory?kind=Desktop", HttpJson.Options);
        var pulls = await member.GetFromJsonAsync<InventoryApiPage>("/api/v1/inventory?kind=EgressPull", HttpJson.Options);
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var all = await analyst.GetFromJsonAsync<InventoryApiPage>("/api/v1/inventory?kind=Desktop", HttpJson.Options);

        Assert.Equal(["LT-PAY-0142", "LT-PAY-0177"], desktops!.Items.Select(d => d.Name).Order());
        Assert.All(desktops.Items, d => Assert.Equal("Payments", d.OwnerTeam));
        Assert.Equal(4, pulls!.Total);
        Assert.All(pulls.Items, p => Assert.Equal("Payments", p.OwnerTeam));
        Assert.Equal(9, all!.Total);
        // The unknown contractor laptop has no team: only organisation-wide roles see it.
        Assert.Contains(all.Items, d => d.Name == "LT-UNK-0456" && d.OwnerTeam is null);

        // The data layer scopes the page's queries too, not only the API.
        var paymentsMember = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "AppTeam.Member"), new System.Security.Claims.Claim(K8Posture.Security.K8PostureClaims.Team, teams["Payments"].ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));
        var overview = await app.AsCallerAsync<InventoryQueries, InventoryOverview>(paymentsMember, queries => queries.OverviewAsync(CancellationToken.None));
        Assert.Equal(2, overview.Desktops.Count);
        Assert.Equal(["Payments"], overview.DockerHub.ByTeam.Select(t => t.Team));
    }

    [Fact]
    public async Task A_team_bound_key_owns_what_it_pushes_and_may_not_file_rows_under_another_team()
    {
        var teams = await SeedTeamsOnceAsync();
        using var ledgerKey = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", teams["Ledger"]));
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords");

        var problem = await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(ledgerKey, TestFixtures.Read(InventoryPush.Mdm)), HttpStatusCode.Forbidden);
        Assert.Contains("Row 2 names team 'Payments'", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM InventoryRecords"));

        var outcome = await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(ledgerKey, TestFixtures.Read(InventoryPush.Eks)));
        Assert.Equal(teams["Ledger"], await app.ScalarAsync("SELECT OwnerTeamId FROM InventoryRecords WHERE LastBatchId = $b", ("$b", outcome.BatchId)));
        var forOther = await InventoryPush.ProblemAsync(await InventoryPush.PostAsync(ledgerKey, TestFixtures.Read(InventoryPush.Eks), "team=Payments"), HttpStatusCode.Forbidden);
        Assert.Contains("own team only", forOther.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_export_source_streams_only_the_callers_rows()
    {
        var teams = await SeedTeamsOnceAsync();
        using var admin = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        await InventoryPush.OutcomeAsync(await InventoryPush.PostAsync(admin, TestFixtures.Read(InventoryPush.Mdm)));

        async Task<List<object?[]>> ExportAsync(System.Security.Claims.ClaimsPrincipal user) => await app.AsUserAsync(user, async services =>
        {
            var source = services.GetServices<K8Posture.Features.Reports.IExportSource>().Single(s => s.Key == "inventory");
            await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<K8Posture.Data.K8PostureDbContext>>().CreateDbContextAsync();
            var rows = new List<object?[]>();
            await foreach (var row in source.ReadRowsAsync(db, new Dictionary<string, string> { ["kind"] = "Desktop" }, CancellationToken.None))
            {
                Assert.Equal(source.Columns.Count, row.Length);
                rows.Add(row);
            }
            return rows;
        });
        var member = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "AppTeam.Member"), new System.Security.Claims.Claim(K8Posture.Security.K8PostureClaims.Team, teams["Storefront"].ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));
        var analyst = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "Security.Analyst")], "test"));

        var mine = await ExportAsync(member);
        var all = await ExportAsync(analyst);

        Assert.Equal(["MB-STO-0210", "MB-STO-0233"], mine.Select(r => (string)r[1]!).Order());
        Assert.Equal(9, all.Count);
    }

    [Fact]
    public async Task Inventory_api_validates_its_parameters()
    {
        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var response = await analyst.GetAsync("/api/v1/inventory?kind=Laptop&pageSize=9999");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));
    }
}
