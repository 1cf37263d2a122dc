using K8Posture.Shared.Http;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using K8Posture.Features.Raci;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Raci;

/// <summary>One app per test class; the RACI is organisation-wide, so these tests run in order against one growing history.</summary>
public sealed class RaciFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static async Task<(int Version, RaciMatrix Matrix, int Violations)> CurrentAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/raci");
        return (body.GetProperty("version").GetInt32(), RaciMatrix.FromJson(body.GetProperty("matrix").GetRawText()), body.GetProperty("violationCount").GetInt32());
    }

    private static HttpContent Save(RaciMatrix matrix, string comment, int? expectedVersion = null) =>
        JsonContent.Create(new { matrix, comment, expectedVersion }, options: HttpJson.Indented);

    [Fact]
    public async Task Only_a_security_admin_changes_the_matrix_every_save_is_a_version_and_every_change_is_audited()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var teamId = await app.SeedTeamAsync("raci-team-" + Guid.NewGuid().ToString("N")[..6]);
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);

        var (version, matrix, violations) = await CurrentAsync(member);
        var startVersion = version;
        Assert.Equal(13, matrix.Activities.Count);
        Assert.True(violations >= 0);

        // An app team and an analyst read it but cannot write it: the server refuses and writes nothing.
        matrix.Parties.Add(new RaciParty { Key = "app-team", Name = "App team", Kind = RaciPartyKind.Team, TeamId = teamId });
        foreach (var activity in matrix.Activities)
        {
            matrix.Set(activity.Key, "app-team", RaciRole.Accountable | RaciRole.Responsible);
        }
        var versionsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM RaciVersions");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsync("/api/v1/raci", Save(matrix, "we own everything now"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PutAsync("/api/v1/raci", Save(matrix, "analysts too"))).StatusCode);
        Assert.Equal(versionsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM RaciVersions"));

        // The admin saves: a new version, no violations left, audited with before and after.
        var saved = await admin.PutAsync("/api/v1/raci", Save(matrix, "App team owns the demo", startVersion));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var first = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        Assert.Equal(startVersion + 1, first);
        Assert.Equal(0, (await CurrentAsync(member)).Violations);

        // A second save introduces a second accountable party: counted, highlighted, still saved (the truth, with its gap).
        matrix.Parties.Add(new RaciParty { Key = "cirt", Name = "CIRT", Kind = RaciPartyKind.Role });
        matrix.Set("runtime-detection-cirt", "cirt", RaciRole.Accountable);
        var second = await admin.PutAsync("/api/v1/raci", Save(matrix, "CIRT owns runtime detection", first));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var violationsNow = await member.GetFromJsonAsync<JsonElement>("/api/v1/raci/violations");
        var violation = Assert.Single(violationsNow.EnumerateArray());
        Assert.Equal("runtime-detection-cirt", violation.GetProperty("activityKey").GetString());
        Assert.Equal("SeveralAccountable", violation.GetProperty("kind").GetString());

        var diff = await member.GetFromJsonAsync<JsonElement>($"/api/v1/raci/diff?from={first}&to={first + 1}");
        Assert.Contains(diff.EnumerateArray(), c => c.GetProperty("text").GetString() == "Party added: CIRT (Role)");
        Assert.Contains(diff.EnumerateArray(), c => c.GetProperty("text").GetString() == "Runtime detection and the CIRT × CIRT: — → A");
        // Any two versions, not only neighbours.
        var wide = await member.GetFromJsonAsync<JsonElement>($"/api/v1/raci/diff?from={startVersion}&to={first + 1}");
        Assert.True(wide.GetArrayLength() > diff.GetArrayLength());

        // Every saved version has exactly one audit event, with the change list.
        Assert.Equal(await app.ScalarAsync("SELECT COUNT(*) FROM RaciVersions"), await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'raci.save'"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'raci.save' AND EntityId = $v AND Actor = 'Ada Admin' AND Before IS NOT NULL AND After LIKE '%Party added: CIRT%'",
            ("$v", (first + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var versions = await member.GetFromJsonAsync<JsonElement>("/api/v1/raci/versions");
        Assert.Equal(1, versions[0].GetProperty("violationCount").GetInt32());

        // A stale editor gets 409, not a silent overwrite.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsync("/api/v1/raci", Save(matrix, "stale", first))).StatusCode);
    }

    [Fact]
    public async Task The_service_refuses_a_non_admin_even_when_a_page_calls_it()
    {
        var member = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "member"), new Claim(ClaimTypes.Role, Roles.AppTeamMember)], "test"));

        var error = await Assert.ThrowsAsync<ProblemException>(() => app.AsSystemAsync(services =>
            services.GetRequiredService<RaciService>().SaveNewVersionAsync(member, RaciDefaults.Matrix(), "sneaky", null, CancellationToken.None)));

        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task An_invalid_matrix_is_refused_with_where_it_broke_and_nothing_is_written()
    {
        using var admin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        var matrix = RaciDefaults.Matrix();
        matrix.Parties.Add(new RaciParty { Key = "Bad Key", Name = "" });
        matrix.Cells["inventory"] = new Dictionary<string, string> { ["nobody"] = "R", };
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM RaciVersions");

        var response = await admin.PutAsync("/api/v1/raci", Save(matrix, ""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("/parties/0/key 'Bad Key'", detail, StringComparison.Ordinal);
        Assert.Contains("/cells/inventory/nobody names no party", detail, StringComparison.Ordinal);
        Assert.Contains("comment", detail, StringComparison.Ordinal);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM RaciVersions"));

        var notJson = await admin.PutAsync("/api/v1/raci", new StringContent("{\"matrix\": [", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }
}
