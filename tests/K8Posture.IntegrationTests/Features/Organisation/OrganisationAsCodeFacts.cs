using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Organisation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Data.Sqlite;

namespace K8Posture.IntegrationTests.Features.Organisation;

/// <summary>
/// The organisation as code against the real app on Kestrel over a SQLite file, demo seed off: import, re-import, dry
/// run, refusals, CSV, export round trip, content types, authorisation and the <c>org</c> operator verb.
/// </summary>
public sealed class OrganisationAsCodeFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static string NewGuid() => Guid.NewGuid().ToString("D");

    internal static string SampleYaml()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", "organisation.example.yaml");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }
        throw new FileNotFoundException("docs/organisation.example.yaml is not above the test folder.");
    }

    /// <summary>A small organisation with its own names, so that tests sharing the app stay independent.</summary>
    private static string SmallDocument(string suffix, string email = "team@example.com") => $"""
        apiVersion: k8posture.io/v1
        kind: Organisation
        businessUnits:
          - name: Unit {suffix}
            teams:
              - name: Alpha {suffix}
                contactEmail: {email}
                groups:
                  - id: {NewGuid()}
                    displayName: sg-alpha-{suffix}
                applications:
                  - name: alpha-api-{suffix}
                    dataClassification: Confidential
        teams:
          - name: Beta {suffix}
            chatChannel: "#beta-{suffix}"
        """;

    private async Task<HttpClient> AdminAsync() => app.CreateApiClient(await app.CreateApiKeyAsync("admin"));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string body, string? contentType = "application/yaml", bool dryRun = false)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var response = await client.PostAsync($"/api/v1/organisation?dryRun={(dryRun ? "true" : "false")}", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static (int Create, int Update, int Unchanged) Totals(JsonElement diff)
    {
        var totals = diff.GetProperty("totals");
        return (totals.GetProperty("create").GetInt32(), totals.GetProperty("update").GetInt32(), totals.GetProperty("unchanged").GetInt32());
    }

    private Task<long> CountAsync(string table) => app.ScalarAsync($"SELECT COUNT(*) FROM {table}");

    [Fact]
    public async Task The_sample_imports_into_rows_and_audit_events_and_importing_it_again_changes_nothing()
    {
        using var admin = await AdminAsync();
        var policyVersions = await CountAsync("PolicyVersions");

        var (status, diff) = await PostAsync(admin, SampleYaml());

        Assert.True(status == HttpStatusCode.OK, diff.ToString());
        Assert.True(diff.GetProperty("applied").GetBoolean());
        Assert.Equal((2 + 4 + 5 + 4 + 2, 1, 0), Totals(diff));
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM BusinessUnits WHERE Name IN ('Finance', 'Retail')"));
        Assert.Equal(1, await app.ScalarAsync(
            "SELECT COUNT(*) FROM Teams t JOIN BusinessUnits b ON b.Id = t.BusinessUnitId WHERE t.Name = 'Payments' AND b.Name = 'Finance' AND t.ContactEmail = 'payments-sec@example.com' AND t.ChatChannel = '#payments-security'"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Teams WHERE Name = 'Platform' AND BusinessUnitId IS NULL"));
        Assert.Equal(2, await app.ScalarAsync(
            "SELECT COUNT(*) FROM TeamGroups g JOIN Teams t ON t.Id = g.TeamId WHERE t.Name = 'Payments' AND g.EntraGroupId IN ('3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b', '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f')"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Applications WHERE Name = 'fraud-scoring' AND DataClassification = 'Confidential' AND IsVendorProduct = 1"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM PipelineIdentities WHERE EntraId = '2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b' AND TeamId IS NULL"));
        Assert.Equal(policyVersions + 1, await CountAsync("PolicyVersions"));
        foreach (var (action, count) in new[]
        {
            ("business-unit.create", 2), ("team.create", 4), ("team-group.add", 5), ("application.create", 4),
            ("pipeline-identity.create", 2), ("policy.save", 1), ("organisation.import", 1),
        })
        {
            Assert.True(count == await app.ScalarAsync($"SELECT COUNT(*) FROM AuditEvents WHERE Action = '{action}' AND Actor LIKE 'key:%'"), action);
        }
        // New rows are audited by their database id, as the pages and the API audit every later change to them.
        foreach (var (action, table) in new[] { ("business-unit.create", "BusinessUnits"), ("team.create", "Teams"), ("application.create", "Applications") })
        {
            Assert.Equal(0, await app.ScalarAsync(
                $"SELECT COUNT(*) FROM AuditEvents a WHERE a.Action = '{action}' AND NOT EXISTS (SELECT 1 FROM {table} e WHERE CAST(e.Id AS TEXT) = a.EntityId)"));
        }
        var auditEvents = await CountAsync("AuditEvents");

        var (againStatus, again) = await PostAsync(admin, SampleYaml());

        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.False(again.GetProperty("applied").GetBoolean());
        Assert.Equal((0, 0, 2 + 4 + 5 + 4 + 2 + 1), Totals(again));
        Assert.All(again.GetProperty("entities").EnumerateArray(), e => Assert.Equal("unchanged", e.GetProperty("action").GetString()));
        Assert.Equal(auditEvents, await CountAsync("AuditEvents"));
        Assert.Equal(policyVersions + 1, await CountAsync("PolicyVersions"));
    }

    [Fact]
    public async Task A_dry_run_answers_the_diff_and_writes_nothing()
    {
        using var admin = await AdminAsync();
        var suffix = Suffix();
        var (teams, audits) = (await CountAsync("Teams"), await CountAsync("AuditEvents"));

        var (status, diff) = await PostAsync(admin, SmallDocument(suffix), dryRun: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(diff.GetProperty("dryRun").GetBoolean());
        Assert.Equal((5, 0, 0), Totals(diff));
        var alpha = diff.GetProperty("entities").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "team" && e.GetProperty("name").GetString() == $"Alpha {suffix}");
        Assert.Equal("create", alpha.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, alpha.GetProperty("changes").GetProperty("contactEmail").GetProperty("from").ValueKind);
        Assert.Equal("team@example.com", alpha.GetProperty("changes").GetProperty("contactEmail").GetProperty("to").GetString());
        Assert.Equal(teams, await CountAsync("Teams"));
        Assert.Equal(audits, await CountAsync("AuditEvents"));
    }

    [Fact]
    public async Task An_invalid_document_is_refused_whole_naming_the_path_and_nothing_is_written()
    {
        using var admin = await AdminAsync();
        var suffix = Suffix();
        var document = SmallDocument(suffix) + $"""

              - name: Gamma {suffix}
            pipelineIdentities:
              - entraId: {NewGuid()}
                displayName: ci-{suffix}
                team: Nobody {suffix}
            """;
        document = document.Replace("businessUnits:\n", $"businessUnits:\n  - name: First {suffix}\n    teams:\n      - name: Delta {suffix}\n", StringComparison.Ordinal)
            .Replace("contactEmail: team@example.com", "contactEmail: payments-sec.example.com", StringComparison.Ordinal);
        var (teams, audits) = (await CountAsync("Teams"), await CountAsync("AuditEvents"));

        var (status, problem) = await PostAsync(admin, document);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        // The document's own problem and the one only the stored organisation reveals, in one answer.
        Assert.Equal(["businessUnits[1].teams[0].contactEmail", "pipelineIdentities[0].team"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        var error = problem.GetProperty("errors")[0];
        Assert.Contains("payments-sec.example.com", error.GetProperty("message").GetString());
        Assert.Contains("businessUnits[1].teams[0].contactEmail", problem.GetProperty("detail").GetString());
        Assert.Equal(teams, await CountAsync("Teams"));
        Assert.Equal(audits, await CountAsync("AuditEvents"));
        Assert.Equal(0, await app.ScalarAsync($"SELECT COUNT(*) FROM BusinessUnits WHERE Name LIKE '%{suffix}'"));
    }

    [Fact]
    public async Task A_csv_of_teams_imports_through_the_same_apply()
    {
        using var admin = await AdminAsync();
        var suffix = Suffix();
        var (first, second) = (NewGuid(), NewGuid());
        var csv = "Team,Business_Unit,Entra_Group_Id,Contact,Cost centre\r\n"
            + $"\"Cards, {suffix}\",HR {suffix},{first.ToUpperInvariant()},cards-{suffix}@example.com,CC1\r\n"
            + $"\"Cards, {suffix}\",HR {suffix},{second},#cards-{suffix},CC1\r\n"
            + $"Solo {suffix},,,,CC2\r\n";

        var (status, diff) = await PostAsync(admin, csv, "text/csv");

        Assert.True(status == HttpStatusCode.OK, diff.ToString());
        Assert.Equal("csv", diff.GetProperty("source").GetString());
        Assert.Equal((1 + 2 + 2, 0, 0), Totals(diff));
        Assert.Equal(1, await app.ScalarAsync(
            $"SELECT COUNT(*) FROM Teams t JOIN BusinessUnits b ON b.Id = t.BusinessUnitId WHERE t.Name = 'Cards, {suffix}' AND b.Name = 'HR {suffix}' AND t.ContactEmail = 'cards-{suffix}@example.com' AND t.ChatChannel = '#cards-{suffix}'"));
        Assert.Equal(2, await app.ScalarAsync($"SELECT COUNT(*) FROM TeamGroups WHERE EntraGroupId IN ('{first}', '{second}')"));

        var (againStatus, again) = await PostAsync(admin, csv, "text/csv");
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal((0, 0, 5), Totals(again));
    }

    [Theory]
    [InlineData("application/yaml")]
    [InlineData("text/csv")]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task The_format_is_read_from_the_body_whatever_the_content_type(string? contentType)
    {
        using var admin = await AdminAsync();

        var (status, diff) = await PostAsync(admin, SmallDocument(Suffix()), contentType, dryRun: true);

        Assert.True(status == HttpStatusCode.OK, diff.ToString());
        Assert.Equal("yaml", diff.GetProperty("source").GetString());
        Assert.Equal((5, 0, 0), Totals(diff));
    }

    [Fact]
    public async Task An_export_imported_back_changes_nothing_in_yaml_or_json()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, SmallDocument(Suffix()))).Status);
        var tricky = Suffix();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, $$"""
            {"apiVersion":"k8posture.io/v1","kind":"Organisation","teams":[{"name":"2024 {{tricky}}","description":"true\nand: #not a comment","chatChannel":"- yes"}],
             "pipelineIdentities":[{"entraId":"{{NewGuid()}}","displayName":"ci: {{tricky}}"}]}
            """)).Status);

        using var yamlRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/organisation");
        yamlRequest.Headers.Accept.ParseAdd("application/yaml");
        var yamlResponse = await admin.SendAsync(yamlRequest);
        Assert.Equal(HttpStatusCode.OK, yamlResponse.StatusCode);
        Assert.Equal("application/yaml", yamlResponse.Content.Headers.ContentType?.MediaType);
        var yaml = await yamlResponse.Content.ReadAsStringAsync();
        Assert.StartsWith("apiVersion: k8posture.io/v1", yaml);
        Assert.Contains($"2024 {tricky}", yaml);
        var audits = await CountAsync("AuditEvents");

        var (status, diff) = await PostAsync(admin, yaml);

        Assert.True(status == HttpStatusCode.OK, diff.ToString());
        var (create, update, unchanged) = Totals(diff);
        Assert.Equal((0, 0), (create, update));
        Assert.True(unchanged >= 8);

        var json = await admin.GetStringAsync("/api/v1/organisation");
        Assert.Equal(yaml, await admin.GetStringAsync("/api/v1/organisation?format=yaml"));
        using (var parsed = JsonDocument.Parse(json))
        {
            Assert.Equal("Organisation", parsed.RootElement.GetProperty("kind").GetString());
        }
        var (jsonStatus, jsonDiff) = await PostAsync(admin, json, "application/json");
        Assert.Equal(HttpStatusCode.OK, jsonStatus);
        Assert.Equal((0, 0), (Totals(jsonDiff).Create, Totals(jsonDiff).Update));
        Assert.Equal(audits, await CountAsync("AuditEvents"));
    }

    [Fact]
    public async Task Export_is_for_organisation_wide_readers_and_import_for_admins()
    {
        var teamId = await app.SeedTeamAsync("Reader team " + Suffix());
        using var member = await app.SignedInClientAsync(Roles.AppTeamMember, teamId);
        using var teamKey = app.CreateApiClient(await app.CreateApiKeyAsync("read", teamId));
        using var analyst = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        using var readKey = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        using var anonymous = app.CreateApiClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/organisation")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await teamKey.GetAsync("/api/v1/organisation")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/organisation")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/v1/organisation")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readKey.GetAsync("/api/v1/organisation")).StatusCode);

        var teams = await CountAsync("Teams");
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(analyst, SmallDocument(Suffix()))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(readKey, SmallDocument(Suffix()))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, SmallDocument(Suffix()))).Status);
        Assert.Equal(teams, await CountAsync("Teams"));

        using var securityAdmin = await app.SignedInClientAsync(Roles.SecurityAdmin);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(securityAdmin, SmallDocument(Suffix()), dryRun: true)).Status);
    }

    [Fact]
    public async Task A_body_beyond_the_limit_is_413_and_an_empty_one_400()
    {
        using var admin = await AdminAsync();

        var tooLarge = await admin.PostAsync("/api/v1/organisation", new ByteArrayContent(new byte[OrganisationAsCodeEndpoints.MaxDocumentBytes + 1]));
        var empty = await admin.PostAsync("/api/v1/organisation", new ByteArrayContent([]));
        var badFlag = await admin.PostAsync("/api/v1/organisation?dryRun=perhaps", new StringContent(SmallDocument(Suffix())));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.Equal("application/problem+json", badFlag.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_org_verb_imports_a_file_as_the_cli_actor_dry_run_first_and_exports()
    {
        var suffix = Suffix();
        var file = Path.Combine(app.DataDirectory, $"org-{suffix}.yaml");
        await File.WriteAllTextAsync(file, SmallDocument(suffix));
        Assert.True(AdminCommands.IsCommand(["org", "import", file]));
        var audits = await CountAsync("AuditEvents");

        var dryRun = await RunAsync("import", file, "--dry-run");

        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("Dry run: nothing was written.", dryRun.Stdout);
        Assert.Contains($"+ create team Alpha {suffix}", dryRun.Stdout);
        Assert.Contains("contactEmail: (none) -> \"team@example.com\"", dryRun.Stdout);
        Assert.Contains("5 to create, 0 to update, 0 unchanged.", dryRun.Stdout);
        Assert.Equal(audits, await CountAsync("AuditEvents"));

        var cliAudits = await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Actor = 'cli:org-import'");
        var applied = await RunAsync("import", file);

        Assert.Equal(0, applied.ExitCode);
        Assert.Contains("Applied.", applied.Stdout);
        Assert.Contains("5 created, 0 updated, 0 unchanged.", applied.Stdout);
        // Five entities and the summary, all as the CLI's actor.
        Assert.Equal(cliAudits + 6, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Actor = 'cli:org-import'"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM Teams WHERE Name = $n", ("$n", $"Beta {suffix}")));

        var export = await RunAsync("export", "--format", "json");
        Assert.Equal(0, export.ExitCode);
        Assert.Contains($"\"Alpha {suffix}\"", export.Stdout);

        await File.WriteAllTextAsync(file, SmallDocument(Suffix(), email: "not-an-email"));
        var refused = await RunAsync("import", file);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("businessUnits[0].teams[0].contactEmail", refused.Stderr);
        Assert.Equal("", refused.Stdout);

        var unknown = await RunAsync("import");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("usage", unknown.Stderr);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        _ = app.ServerAddress;
        var exitCode = await OrganisationCommand.RunAsync(app.Services, args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_real_binary_runs_org_import_and_export_against_a_database_file()
    {
        var folder = Directory.CreateTempSubdirectory("k8p-org-").FullName;
        try
        {
            var file = Path.Combine(folder, "organisation.yaml");
            await File.WriteAllTextAsync(file, SampleYaml());

            var imported = await OperatorBinary.RunAsync(folder, null, "org", "import", file);
            Assert.True(imported.ExitCode == 0, imported.Stderr);
            Assert.Contains("17 created, 1 updated, 0 unchanged.", imported.Stdout);

            var export = await OperatorBinary.RunAsync(folder, null, "org", "export");
            Assert.True(export.ExitCode == 0, export.Stderr);
            Assert.StartsWith("apiVersion: k8posture.io/v1", export.Stdout);
            await File.WriteAllTextAsync(file, export.Stdout);

            var again = await OperatorBinary.RunAsync(folder, null, "org", "import", file, "--dry-run");
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Contains("0 to create, 0 to update, 18 unchanged.", again.Stdout);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
