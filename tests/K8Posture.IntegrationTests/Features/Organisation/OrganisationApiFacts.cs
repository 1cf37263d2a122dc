using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Organisation;
using K8Posture.Features.Policy;
using K8Posture.Features.Raci;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Organisation;

/// <summary>The organisation API on the real app over SQLite: admin key, read key and team key, with what really lands in the database.</summary>
public sealed class OrganisationApiFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    private async Task<HttpClient> AdminAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("admin,read,ingest"));

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<HttpResponseMessage> Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private async Task<int> TeamIdAsync(string name) => await app.WithDbAsync(db => db.Teams.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());

    /// <summary>A team created through the API that owns findings (a push), a namespace and a team key.</summary>
    private async Task<(string Name, int Id, string TeamKey)> TeamWithHoldingsAsync(HttpClient admin, string prefix)
    {
        var name = $"{prefix} {Suffix()}";
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name }));
        var id = await TeamIdAsync(name);
        var push = await admin.PostAsync($"/api/v1/ingest/scans?team={Uri.EscapeDataString(name)}&scope=image:{Suffix()}",
            new ByteArrayContent(TestFixtures.Read("trivy/alpine-310.json.golden")));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        await app.SeedClusterAsync("aks-" + Suffix(), ("ns-" + Suffix(), id));
        var teamKey = await app.CreateApiKeyAsync("read", id);
        return (name, id, teamKey);
    }

    [Fact]
    public async Task An_admin_key_builds_an_organisation_from_nothing_and_every_change_is_audited()
    {
        using var admin = await AdminAsync();
        var s = Suffix();
        var auditBefore = await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action LIKE 'business-unit.%' OR Action LIKE 'team%' OR Action LIKE 'application.%' OR Action LIKE 'pipeline-identity.%'");

        var unit = await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/business-units", new { name = $"Finance {s}", description = "Money in, money out" }));
        Assert.Equal($"/api/v1/business-units/Finance%20{s}", unit.Headers.Location?.OriginalString);

        var team = await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new
        {
            name = $"Payments {s}", businessUnit = $"Finance {s}", description = "Card payments",
            contactEmail = "payments-sec@contoso.example", chatChannel = "#payments-sec",
        }));
        Assert.Equal($"/api/v1/teams/Payments%20{s}", team.Headers.Location?.OriginalString);

        var groupA = Guid.NewGuid().ToString();
        var groupB = Guid.NewGuid().ToString().ToUpperInvariant();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync($"/api/v1/teams/Payments {s}/groups", new { entraGroupId = groupA, displayName = "sg-payments-dev" }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync($"/api/v1/teams/Payments {s}/groups", new { entraGroupId = groupB, displayName = "sg-payments-ops" }));

        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/applications", new
        {
            name = $"checkout-{s}", team = $"Payments {s}", dataClassification = "Restricted", regulatoryScope = "PCI-DSS, GDPR",
            isVendorProduct = false, requiredPrivileges = "none",
        }));
        var spn = Guid.NewGuid().ToString();
        var pipeline = await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/pipeline-identities",
            new { entraId = spn.ToUpperInvariant(), displayName = "gh-actions payments", team = $"Payments {s}" }));
        Assert.Equal($"/api/v1/pipeline-identities/{spn}", pipeline.Headers.Location?.OriginalString);

        var read = await JsonOf(await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/teams/Payments {s}")));
        Assert.Equal($"Finance {s}", read.GetProperty("businessUnit").GetString());
        Assert.Equal("payments-sec@contoso.example", read.GetProperty("contactEmail").GetString());
        Assert.Equal("#payments-sec", read.GetProperty("chatChannel").GetString());
        Assert.Equal(1, read.GetProperty("applications").GetInt32());
        var groups = read.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("entraGroupId").GetString()).Order().ToList();
        Assert.Equal(new[] { groupA, groupB.ToLowerInvariant() }.Order(), groups);

        var application = await JsonOf(await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/applications/checkout-{s}")));
        Assert.Equal("Restricted", application.GetProperty("dataClassification").GetString());
        var identities = await JsonOf(await Expect(HttpStatusCode.OK, admin.GetAsync("/api/v1/pipeline-identities")));
        Assert.Contains(identities.EnumerateArray(), p => p.GetProperty("entraId").GetString() == spn && p.GetProperty("team").GetString() == $"Payments {s}");

        // One event per change, each with what it wrote.
        Assert.Equal(auditBefore + 6, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action LIKE 'business-unit.%' OR Action LIKE 'team%' OR Action LIKE 'application.%' OR Action LIKE 'pipeline-identity.%'"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'team.create' AND After LIKE $after", ("$after", $"%Payments {s}%payments-sec@contoso.example%")));
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'team-group.add' AND After LIKE $after", ("$after", $"%Payments {s}%")));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM TeamGroups WHERE EntraGroupId = $g", ("$g", groupB.ToLowerInvariant())));
    }

    [Fact]
    public async Task Renaming_a_team_keeps_its_findings_namespaces_keys_and_the_policy_rule_that_names_it()
    {
        using var admin = await AdminAsync();
        var (name, id, teamKey) = await TeamWithHoldingsAsync(admin, "Checkout");
        var findings = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == id));
        Assert.True(findings > 0);
        var adminPerson = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin@contoso.example"), new Claim(ClaimTypes.Role, Roles.SecurityAdmin)], "test"));
        await app.AsUserAsync(adminPerson, async services =>
        {
            var store = services.GetRequiredService<PolicyStore>();
            var document = (await store.GetCurrentAsync(CancellationToken.None)).Document;
            document.NamespaceOwnership.Explicit[$"*/checkout-{id}"] = name;
            return await store.SaveNewVersionAsync(adminPerson, document, "checkout namespaces", null, CancellationToken.None);
        });
        var raciParty = "checkout-" + id;
        await app.AsUserAsync(adminPerson, async services =>
        {
            var raci = services.GetRequiredService<RaciService>();
            var matrix = (await raci.GetCurrentAsync(CancellationToken.None)).Matrix;
            matrix.Parties.Add(new RaciParty { Key = raciParty, Name = name, Kind = RaciPartyKind.Team, TeamId = id });
            return await raci.SaveNewVersionAsync(adminPerson, matrix, "checkout joins the matrix", null, CancellationToken.None);
        });
        await app.WithDbAsync(async db =>
        {
            db.SavedViews.Add(new SavedView { OwnerUserId = "someone", OwnerName = "Someone", Name = "mine " + id, QueryString = $"severity=High&team={Uri.EscapeDataString(name)}", CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var newName = name.Replace("Checkout", "Storefront", StringComparison.Ordinal);

        var renamed = await JsonOf(await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/teams/{name}", new { name = newName, contactEmail = "storefront@contoso.example" })));

        Assert.Equal(newName, renamed.GetProperty("name").GetString());
        Assert.Equal(id, await TeamIdAsync(newName));
        Assert.Equal(findings, await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == id)));
        Assert.Equal(1, await app.WithDbAsync(db => db.Namespaces.CountAsync(n => n.OwnerTeamId == id)));
        using var teamClient = app.CreateApiClient(teamKey);
        var teamFindings = await JsonOf(await Expect(HttpStatusCode.OK, teamClient.GetAsync("/api/v1/findings?pageSize=500&status=all")));
        Assert.Equal(findings, teamFindings.GetProperty("items").GetArrayLength());
        Assert.All(teamFindings.GetProperty("items").EnumerateArray(), f => Assert.Equal(newName, f.GetProperty("ownerTeamName").GetString()));

        var policy = await app.AsSystemAsync(services => services.GetRequiredService<PolicyStore>().GetCurrentAsync(CancellationToken.None));
        Assert.Equal(newName, policy.Document.NamespaceOwnership.Explicit[$"*/checkout-{id}"]);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'policy.save' AND EntityId = $v", ("$v", policy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var party = (await app.AsSystemAsync(services => services.GetRequiredService<RaciService>().GetCurrentAsync(CancellationToken.None))).Matrix.Parties.Single(p => p.Key == raciParty);
        Assert.Equal((newName, (int?)id), (party.Name, party.TeamId));
        var view = await app.WithDbAsync(db => db.SavedViews.IgnoreQueryFilters().SingleAsync(v => v.Name == "mine " + id));
        Assert.Equal(newName, FindingsQueryString.FromQuery(view.QueryString).Team);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'team.update' AND EntityId = $id AND Before LIKE $old AND After LIKE $new",
            ("$id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$old", $"%{name}%"), ("$new", $"%{newName}%")));
    }

    [Fact]
    public async Task Deleting_a_team_that_owns_data_is_refused_with_a_problem_that_says_what_it_owns()
    {
        using var admin = await AdminAsync();
        var (name, id, _) = await TeamWithHoldingsAsync(admin, "Ledger");
        var findings = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == id));

        var refused = await Expect(HttpStatusCode.Conflict, admin.DeleteAsync($"/api/v1/teams/{name}"));

        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var detail = (await JsonOf(refused)).GetProperty("detail").GetString()!;
        Assert.Contains($"{findings} findings", detail, StringComparison.Ordinal);
        Assert.Contains("1 namespace", detail, StringComparison.Ordinal);
        Assert.Contains("1 pipeline key", detail, StringComparison.Ordinal);
        Assert.Contains("handOverTo", detail, StringComparison.Ordinal);
        Assert.Equal(id, await TeamIdAsync(name));
        var holdings = await JsonOf(await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/teams/{name}/holdings")));
        Assert.Equal(findings, holdings.GetProperty("holdings").GetProperty("findings").GetInt32());
        Assert.True(holdings.GetProperty("any").GetBoolean());
    }

    [Fact]
    public async Task Deleting_a_team_with_a_handover_moves_everything_it_owned_in_one_audited_change()
    {
        using var admin = await AdminAsync();
        var (name, id, teamKey) = await TeamWithHoldingsAsync(admin, "Legacy");
        var (heirName, heirId, _) = await TeamWithHoldingsAsync(admin, "Platform");
        var groupId = Guid.NewGuid().ToString();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync($"/api/v1/teams/{name}/groups", new { entraGroupId = groupId, displayName = "sg-legacy" }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/applications", new { name = "legacy-app-" + id, team = name, dataClassification = "Internal" }));
        // Daily history is unique per day and team: a day both teams have is added up, a day only the old team has moves.
        var shared = new DateOnly(2026, 1, 10);
        var onlyLegacy = new DateOnly(2026, 1, 11);
        await app.WithDbAsync(async db =>
        {
            db.LandscapeSnapshots.AddRange(
                new LandscapeSnapshot { Day = shared, TeamId = id, Category = FindingCategory.Vulnerability, Severity = FindingSeverity.High, OpenCount = 5 },
                new LandscapeSnapshot { Day = shared, TeamId = heirId, Category = FindingCategory.Vulnerability, Severity = FindingSeverity.High, OpenCount = 7 },
                new LandscapeSnapshot { Day = onlyLegacy, TeamId = id, Category = FindingCategory.Vulnerability, Severity = FindingSeverity.High, OpenCount = 3 });
            return await db.SaveChangesAsync();
        });
        var legacyFindings = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == id));
        var heirFindings = await app.WithDbAsync(db => db.Findings.CountAsync(f => f.OwnerTeamId == heirId));

        await Expect(HttpStatusCode.BadRequest, admin.DeleteAsync($"/api/v1/teams/{name}?handOverTo=nobody-{Suffix()}"));
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/teams/{name}?handOverTo={Uri.EscapeDataString(heirName)}"));

        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Teams WHERE Id = $id", ("$id", id)));
        Assert.Equal(legacyFindings + heirFindings, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE OwnerTeamId = $id", ("$id", heirId)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Findings WHERE OwnerTeamId = $id", ("$id", id)));
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM Namespaces WHERE OwnerTeamId = $id", ("$id", heirId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Applications WHERE TeamId = $id", ("$id", heirId)));
        Assert.True(await app.ScalarAsync("SELECT COUNT(*) FROM IngestBatches WHERE TeamId = $id", ("$id", id)) == 0);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM LandscapeSnapshots WHERE TeamId = $id", ("$id", id)));
        Assert.Equal(12, await app.ScalarAsync("SELECT OpenCount FROM LandscapeSnapshots WHERE TeamId = $id AND Day = '2026-01-10'", ("$id", heirId)));
        Assert.Equal(3, await app.ScalarAsync("SELECT OpenCount FROM LandscapeSnapshots WHERE TeamId = $id AND Day = '2026-01-11'", ("$id", heirId)));
        // Group mappings decide who sees what: they are removed, not handed over.
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM TeamGroups WHERE EntraGroupId = $g", ("$g", groupId)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'team.delete' AND EntityId = $id AND After LIKE $after",
            ("$id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$after", $"%{heirName}%\"findings\":{legacyFindings}%")));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'team-group.remove' AND EntityId = $g", ("$g", groupId)));

        // The old team's key now reads the heir's findings (the pipeline keeps working for whoever owns its scope now).
        using var movedKey = app.CreateApiClient(teamKey);
        var items = await JsonOf(await Expect(HttpStatusCode.OK, movedKey.GetAsync("/api/v1/findings?pageSize=500&status=all")));
        Assert.Equal(legacyFindings + heirFindings, items.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Invalid_changes_are_400_problems_that_name_the_field_and_write_nothing()
    {
        using var admin = await AdminAsync();
        var teamsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM Teams");
        var s = Suffix();

        async Task AssertField(string field, Task<HttpResponseMessage> call)
        {
            var problem = await JsonOf(await Expect(HttpStatusCode.BadRequest, call));
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }

        await AssertField("name", admin.PostAsJsonAsync("/api/v1/teams", new { name = "  " }));
        await AssertField("name", admin.PostAsJsonAsync("/api/v1/teams", new { name = "<script>alert(1)</script>" }));
        await AssertField("contactEmail", admin.PostAsJsonAsync("/api/v1/teams", new { name = "Mail " + s, contactEmail = "not-an-address" }));
        await AssertField("chatChannel", admin.PostAsJsonAsync("/api/v1/teams", new { name = "Chat " + s, chatChannel = "javascript://alert(1)" }));
        await AssertField("businessUnit", admin.PostAsJsonAsync("/api/v1/teams", new { name = "Unit " + s, businessUnit = "Nowhere " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Valid " + s }));
        await AssertField("entraGroupId", admin.PostAsJsonAsync($"/api/v1/teams/Valid {s}/groups", new { entraGroupId = "sg-payments", displayName = "x" }));
        await AssertField("team", admin.PostAsJsonAsync("/api/v1/applications", new { name = "app-" + s, team = "Ghost " + s }));
        await AssertField("dataClassification", admin.PostAsJsonAsync("/api/v1/applications", new { name = "app-" + s, team = "Valid " + s, dataClassification = 42 }));
        await AssertField("entraId", admin.PostAsJsonAsync("/api/v1/pipeline-identities", new { entraId = "not-a-guid", displayName = "pipe" }));
        await AssertField("displayName", admin.PostAsJsonAsync("/api/v1/pipeline-identities", new { entraId = Guid.NewGuid(), displayName = "" }));

        Assert.Equal(teamsBefore + 1, await app.ScalarAsync("SELECT COUNT(*) FROM Teams"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Applications WHERE Name = $n", ("$n", "app-" + s)));

        var duplicate = await JsonOf(await Expect(HttpStatusCode.Conflict, admin.PostAsJsonAsync("/api/v1/teams", new { name = "VALID " + s })));
        Assert.Equal("name", duplicate.GetProperty("field").GetString());
        await Expect(HttpStatusCode.NotFound, admin.PutAsJsonAsync($"/api/v1/teams/Ghost {s}", new { name = "Ghost " + s }));
    }

    [Fact]
    public async Task Malformed_or_null_bodies_are_400_problems_never_500()
    {
        using var admin = await AdminAsync();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Body " + Suffix() }));
        string[] bodies = ["{", "null", "[]", "\"team\"", "{\"name\": 5}", "{\"name\": [\"x\"]}", ""];
        foreach (var route in new[] { "/api/v1/teams", "/api/v1/business-units", "/api/v1/applications", "/api/v1/pipeline-identities" })
        {
            foreach (var body in bodies)
            {
                var response = await admin.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} with {body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        var put = await admin.PutAsync("/api/v1/teams/anything", new StringContent("null", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var badEnum = await admin.PostAsync("/api/v1/applications", new StringContent("{\"name\": \"x\", \"dataClassification\": \"Bogus\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.Contains("dataClassification", (await JsonOf(badEnum)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_key_reads_but_cannot_write_and_a_team_key_sees_only_its_own_team()
    {
        using var admin = await AdminAsync();
        var s = Suffix();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/business-units", new { name = "Mine BU " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/business-units", new { name = "Theirs BU " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Mine " + s, businessUnit = "Mine BU " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Theirs " + s, businessUnit = "Theirs BU " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/applications", new { name = "mine-app-" + s, team = "Mine " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/applications", new { name = "theirs-app-" + s, team = "Theirs " + s }));
        var teamsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM Teams");

        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        Assert.Equal(2, (await JsonOf(await Expect(HttpStatusCode.OK, reader.GetAsync("/api/v1/teams?q=" + s)))).GetArrayLength());
        await Expect(HttpStatusCode.Forbidden, reader.PostAsJsonAsync("/api/v1/teams", new { name = "Sneaky " + s }));
        await Expect(HttpStatusCode.Forbidden, reader.DeleteAsync($"/api/v1/teams/Theirs {s}"));
        await Expect(HttpStatusCode.Forbidden, reader.PostAsJsonAsync($"/api/v1/teams/Mine {s}/groups", new { entraGroupId = Guid.NewGuid() }));
        using var anonymous = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/teams")).StatusCode);

        var mineId = await TeamIdAsync("Mine " + s);
        using var team = app.CreateApiClient(await app.CreateApiKeyAsync("read", mineId));
        var teams = await JsonOf(await Expect(HttpStatusCode.OK, team.GetAsync("/api/v1/teams")));
        Assert.Equal(["Mine " + s], teams.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        await Expect(HttpStatusCode.NotFound, team.GetAsync($"/api/v1/teams/Theirs {s}"));
        await Expect(HttpStatusCode.NotFound, team.GetAsync($"/api/v1/teams/Theirs {s}/holdings"));
        var applications = await JsonOf(await Expect(HttpStatusCode.OK, team.GetAsync("/api/v1/applications")));
        Assert.Equal(["mine-app-" + s], applications.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        await Expect(HttpStatusCode.NotFound, team.GetAsync($"/api/v1/applications/theirs-app-{s}"));
        var units = await JsonOf(await Expect(HttpStatusCode.OK, team.GetAsync("/api/v1/business-units")));
        Assert.Equal(["Mine BU " + s], units.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.Equal(1, units[0].GetProperty("teams").GetInt32());
        await Expect(HttpStatusCode.NotFound, team.GetAsync($"/api/v1/business-units/Theirs BU {s}"));
        Assert.Empty((await JsonOf(await Expect(HttpStatusCode.OK, team.GetAsync("/api/v1/pipeline-identities")))).EnumerateArray());

        // Even a team-bound key with the admin scope (one made before team keys lost that scope) may not reshape the organisation.
        using var teamAdmin = app.CreateApiClient(await app.InsertLegacyApiKeyAsync("admin,read", mineId));
        await Expect(HttpStatusCode.Forbidden, teamAdmin.PostAsJsonAsync("/api/v1/teams", new { name = "Sneaky " + s }));
        Assert.Equal(teamsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM Teams"));
    }

    [Fact]
    public async Task A_group_maps_to_one_team_and_a_business_unit_with_teams_cannot_be_deleted()
    {
        using var admin = await AdminAsync();
        var s = Suffix();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/business-units", new { name = "HR " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "People " + s, businessUnit = "HR " + s }));
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payroll " + s, businessUnit = "hr " + s }));
        var group = Guid.NewGuid().ToString();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync($"/api/v1/teams/People {s}/groups", new { entraGroupId = group, displayName = "sg-people" }));

        var conflict = await JsonOf(await Expect(HttpStatusCode.Conflict, admin.PostAsJsonAsync($"/api/v1/teams/Payroll {s}/groups", new { entraGroupId = group })));
        Assert.Contains("People " + s, conflict.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        // The same group again on its own team only renames it.
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync($"/api/v1/teams/People {s}/groups", new { entraGroupId = group, displayName = "sg-people-all" }));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM TeamGroups WHERE EntraGroupId = $g AND DisplayName = 'sg-people-all'", ("$g", group)));

        var unit = await JsonOf(await Expect(HttpStatusCode.Conflict, admin.DeleteAsync($"/api/v1/business-units/HR {s}")));
        Assert.Contains("2 teams", unit.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/teams/People {s}/groups/{group}"));
        await Expect(HttpStatusCode.NotFound, admin.DeleteAsync($"/api/v1/teams/People {s}/groups/{group}"));
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/teams/People {s}"));
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/teams/Payroll {s}"));
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/business-units/HR {s}"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM BusinessUnits WHERE Name = $n", ("$n", "HR " + s)));
    }

    [Fact]
    public async Task Renaming_an_application_renames_it_in_namespaces_and_tenancy_assessments()
    {
        using var admin = await AdminAsync();
        var s = Suffix();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name = "Apps " + s }));
        var teamId = await TeamIdAsync("Apps " + s);
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/applications", new { name = "billing-" + s, team = "Apps " + s }));
        await app.WithDbAsync(async db =>
        {
            db.Clusters.Add(new Cluster { Name = "gke-" + s, CreatedAt = DateTimeOffset.UtcNow, Namespaces = { new ClusterNamespace { Name = "billing", OwnerTeamId = teamId, Application = "billing-" + s } } });
            db.TenancyAssessments.Add(new K8Posture.Features.Tenancy.TenancyAssessment { Application = "billing-" + s, OwnerTeamId = teamId, AnswersJson = "{}", CreatedBy = "test", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var before = await JsonOf(await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/applications/billing-{s}")));
        Assert.Equal(1, before.GetProperty("namespaces").GetInt32());

        await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/applications/billing-{s}", new { name = "invoicing-" + s, team = "Apps " + s, dataClassification = "Confidential" }));

        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Namespaces WHERE Application = $n", ("$n", "invoicing-" + s)));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM TenancyAssessments WHERE Application = $n", ("$n", "invoicing-" + s)));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM Namespaces WHERE Application = $n", ("$n", "billing-" + s)));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/applications/billing-{s}")).StatusCode);
    }

    [Fact]
    public async Task The_api_key_create_verb_mints_a_key_for_a_team_created_through_the_api()
    {
        using var admin = await AdminAsync();
        var name = "Cli " + Suffix();
        await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/teams", new { name }));

        // The operator verb as operators run it: the real binary, on the same database file.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "K8Posture.dll"), "api-key", "create", "--name", "cli-team-key", "--team", name, "--scopes", "read" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__K8Posture"] = $"Data Source={app.DatabasePath}";
        start.Environment["Hangfire__Storage"] = "InMemory";
        start.Environment["Hangfire__Server"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        var key = (await stdout).Trim();
        Assert.StartsWith("k8p_", key, StringComparison.Ordinal);

        using var teamClient = app.CreateApiClient(key);
        var teams = await JsonOf(await Expect(HttpStatusCode.OK, teamClient.GetAsync("/api/v1/teams")));
        Assert.Equal([name], teams.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_organisation_routes_and_their_bodies()
    {
        using var client = app.CreateApiClient();
        var document = await JsonOf(await Expect(HttpStatusCode.OK, client.GetAsync("/openapi/v1.json")));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/business-units", "/api/v1/business-units/{name}", "/api/v1/teams", "/api/v1/teams/{name}", "/api/v1/teams/{name}/holdings",
            "/api/v1/teams/{name}/groups", "/api/v1/teams/{name}/groups/{groupId}", "/api/v1/applications", "/api/v1/applications/{name}",
            "/api/v1/pipeline-identities", "/api/v1/pipeline-identities/{entraId}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
        var createTeam = paths.GetProperty("/api/v1/teams").GetProperty("post");
        Assert.Equal("CreateTeam", createTeam.GetProperty("operationId").GetString());
        Assert.True(createTeam.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(createTeam.GetProperty("responses").TryGetProperty("409", out _));
    }
}
