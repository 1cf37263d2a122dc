using K8Posture.Shared.Http;
using System.Net.Http.Json;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Reports;
using K8Posture.Features.Tenancy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Governance;

public sealed class GovernanceExportFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<List<object?[]>> RowsAsync(string key, ClaimsPrincipal user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(user);
        var source = scope.ServiceProvider.GetServices<IExportSource>().Single(s => s.Key == key);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        var rows = new List<object?[]>();
        await foreach (var row in source.ReadRowsAsync(db, new Dictionary<string, string>(), CancellationToken.None))
        {
            Assert.Equal(source.Columns.Count, row.Length);
            rows.Add(row);
        }
        return rows;
    }

    private static ClaimsPrincipal Member(int teamId) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "member"), new Claim(ClaimTypes.Role, Roles.AppTeamMember), new Claim(K8PostureClaims.Team, teamId.ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));

    [Fact]
    public async Task The_exports_list_the_raci_activities_and_only_the_callers_assessments()
    {
        var teamA = await app.SeedTeamAsync("export-a-" + Guid.NewGuid().ToString("N")[..6]);
        var teamB = await app.SeedTeamAsync("export-b-" + Guid.NewGuid().ToString("N")[..6]);
        using var memberA = await app.SignedInClientAsync(Roles.AppTeamMember, teamA);
        using var memberB = await app.SignedInClientAsync(Roles.AppTeamMember, teamB);
        Assert.True((await memberA.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application = "export-app-a", teamId = teamA, answers = new TenancyAnswers() }, options: HttpJson.Options))).IsSuccessStatusCode);
        Assert.True((await memberB.PostAsync("/api/v1/tenancy/assessments", JsonContent.Create(new { application = "export-app-b", teamId = teamB, answers = new TenancyAnswers() }, options: HttpJson.Options))).IsSuccessStatusCode);

        var rowsA = await RowsAsync("tenancy-assessments", Member(teamA));
        Assert.Equal(["export-app-a"], rowsA.Select(r => (string)r[1]!));
        Assert.Equal(AssessmentStatus.Draft, rowsA[0][3]);

        var raci = await RowsAsync("raci", Member(teamA));
        Assert.Equal(13, raci.Count);
        Assert.All(raci, r => Assert.Contains("No one is accountable", (string)r[6]!, StringComparison.Ordinal));
    }
}
