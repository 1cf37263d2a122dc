using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Intel;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Intel;

/// <summary>The real CISA KEV and FIRST EPSS files through the API, the set-based re-score, and what callers then read.</summary>
public sealed class IntelFeedsFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string KevFile = "kev/cisa-kev-catalog-2025.01.24.json";
    private const string EpssFile = "epss/vunnel-epss-scores-2025-02-20-head.csv";

    private sealed record Seeded(string Suffix, int TeamA, int TeamB, long KevFinding, long AliasFinding, long EpssFinding, long PlainFinding);

    /// <summary>The KEV entry the test expects, read from the fixture itself (not from the parser under test).</summary>
    private static JsonElement KevEntryOf(string cve)
    {
        using var document = JsonDocument.Parse(TestFixtures.Read(KevFile));
        return document.RootElement.GetProperty("vulnerabilities").EnumerateArray().Single(v => v.GetProperty("cveID").GetString() == cve).Clone();
    }

    private static DateOnly Day(JsonElement entry, string name) => DateOnly.ParseExact(entry.GetProperty(name).GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Finding NewFinding(string suffix, string vulnerabilityId, int teamId, int clusterId, string ns, string workload, FindingSeverity severity,
        FindingCategory category = FindingCategory.Vulnerability, string? ruleId = null, string? references = null, string? fixedVersion = null) => new()
    {
        Fingerprint = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        ContentHash = "content-" + suffix,
        Source = "trivy-operator",
        ScopeKey = $"test:{suffix}:{ns}",
        Category = category,
        Severity = severity,
        Title = vulnerabilityId ?? ruleId ?? "finding",
        VulnerabilityId = category == FindingCategory.Vulnerability ? vulnerabilityId : null,
        RuleId = ruleId,
        References = references,
        IntelCveId = VulnerabilityAliases.CveFor(category == FindingCategory.Vulnerability ? vulnerabilityId : null, null, references),
        FixedVersion = fixedVersion,
        ClusterId = clusterId,
        NamespaceName = ns,
        ResourceKind = workload.Split('/')[0],
        ResourceName = workload.Split('/')[1],
        OwnerTeamId = teamId,
        Status = FindingStatus.Open,
        FirstSeenAt = DateTimeOffset.UtcNow.AddDays(-30),
        LastSeenAt = DateTimeOffset.UtcNow,
        SlaDueAt = DateTimeOffset.UtcNow.AddDays(60),
    };

    private async Task<Seeded> SeedAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var teamA = await app.SeedTeamAsync("Storefront-" + suffix);
        var teamB = await app.SeedTeamAsync("Ledger-" + suffix);
        var cluster = await app.SeedClusterAsync("prod-" + suffix, ("shop", teamA), ("ledger", teamB));
        return await app.WithDbAsync(async db =>
        {
            await db.Clusters.Where(c => c.Id == cluster).ExecuteUpdateAsync(s => s.SetProperty(c => c.Environment, "production"));
            var kev = NewFinding(suffix, "CVE-2020-11023", teamA, cluster, "shop", "Deployment/web", FindingSeverity.Medium, fixedVersion: "3.5.0");
            var alias = NewFinding(suffix, "GHSA-jpcq-cgw6-v4j6", teamA, cluster, "shop", "Deployment/cms", FindingSeverity.Medium,
                references: "https://nvd.nist.gov/vuln/detail/CVE-2020-11023\nhttps://github.com/advisories/GHSA-jpcq-cgw6-v4j6");
            var epss = NewFinding(suffix, "CVE-1999-0005", teamB, cluster, "ledger", "Deployment/api", FindingSeverity.High);
            var plain = NewFinding(suffix, "CVE-2099-99999", teamB, cluster, "ledger", "Deployment/batch", FindingSeverity.High);
            db.Findings.AddRange(kev, alias, epss, plain,
                NewFinding(suffix, null!, teamA, cluster, "shop", "Service/web", FindingSeverity.Medium, FindingCategory.NetworkPolicyMisconfiguration, "K8P-SVC-001"),
                NewFinding(suffix, null!, teamB, cluster, "ledger", "Deployment/api", FindingSeverity.Critical, FindingCategory.ContainerMisconfiguration, "K8P-PSS-002"));
            db.RuntimeAlerts.Add(new RuntimeAlert
            {
                Source = "falco", DedupeKey = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + suffix, Rule = "Terminal shell in container",
                ClusterId = cluster, NamespaceName = "ledger", Workload = "Deployment/api", Pod = "api-6d4cf56db6-x2x7q", OwnerTeamId = teamB,
                OccurredAt = DateTimeOffset.UtcNow.AddDays(-1), FirstSeenAt = DateTimeOffset.UtcNow.AddDays(-1), LastSeenAt = DateTimeOffset.UtcNow.AddDays(-1),
                ReceivedAt = DateTimeOffset.UtcNow.AddDays(-1),
            });
            await db.SaveChangesAsync();
            return new Seeded(suffix, teamA, teamB, kev.Id, alias.Id, epss.Id, plain.Id);
        });
    }

    private async Task<JsonElement> LoadAsync(string route, string fixture, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var response = await client.PostAsync(route, new ByteArrayContent(TestFixtures.Read(fixture)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, $"{route}: {(int)response.StatusCode} {body}");
        return body;
    }

    private Task<Finding> FindingAsync(long id) => app.WithDbAsync(db => db.Findings.AsNoTracking().SingleAsync(f => f.Id == id));

    [Fact]
    public async Task The_real_feeds_load_and_every_finding_gets_its_kev_epss_context_and_priority_without_history()
    {
        var seeded = await SeedAsync();
        var eventsBefore = await app.ScalarAsync("SELECT COUNT(*) FROM FindingEvents");

        var kevLoad = await LoadAsync("/api/v1/intel/kev", KevFile);
        var epssLoad = await LoadAsync("/api/v1/intel/epss", EpssFile);

        using (var document = JsonDocument.Parse(TestFixtures.Read(KevFile)))
        {
            Assert.Equal(document.RootElement.GetProperty("vulnerabilities").GetArrayLength(), kevLoad.GetProperty("rows").GetInt32());
        }
        Assert.Equal(5, epssLoad.GetProperty("rows").GetInt32());
        Assert.Equal("2025-02-20", epssLoad.GetProperty("feedDate").GetString());
        Assert.Equal(kevLoad.GetProperty("rows").GetInt32(), await app.ScalarAsync("SELECT COUNT(*) FROM KevEntries"));

        var entry = KevEntryOf("CVE-2020-11023");
        foreach (var id in new[] { seeded.KevFinding, seeded.AliasFinding })
        {
            var f = await FindingAsync(id);
            Assert.Equal("CVE-2020-11023", f.IntelCveId);
            Assert.Equal(Day(entry, "dateAdded"), f.KevDateAdded);
            Assert.Equal(Day(entry, "dueDate"), f.KevDueDate);
            Assert.Equal(entry.GetProperty("knownRansomwareCampaignUse").GetString() == "Known", f.KevKnownRansomware);
            Assert.True(f.InProduction);
            Assert.True(f.Exposed, "a LoadBalancer/NodePort service in its namespace exposes it");
            Assert.False(f.Privileged);
            Assert.Equal(FindingPriority.Compute(PriorityInputs.Of(f)), f.Priority);
            Assert.Equal("content-" + seeded.Suffix, f.ContentHash);
        }

        var epssRow = Encoding.UTF8.GetString(TestFixtures.Read(EpssFile)).Split('\n').Single(l => l.StartsWith("CVE-1999-0005,", StringComparison.Ordinal)).Split(',');
        var scored = await FindingAsync(seeded.EpssFinding);
        Assert.Equal(double.Parse(epssRow[1], CultureInfo.InvariantCulture), scored.EpssFeedScore);
        Assert.Equal(double.Parse(epssRow[2], CultureInfo.InvariantCulture), scored.EpssFeedPercentile);
        Assert.Equal(new DateOnly(2025, 2, 20), scored.EpssFeedDate);
        Assert.Null(scored.KevDateAdded);
        Assert.True(scored.Privileged, "a privileged-container finding on the same workload");
        Assert.True(scored.RecentRuntimeAlert, "a Falco alert on the same workload yesterday");
        Assert.False(scored.Exposed);
        Assert.Equal(FindingPriority.Compute(PriorityInputs.Of(scored)), scored.Priority);
        Assert.Equal(22 + 15 + 8 + 4 + 6, scored.Priority);

        var plain = await FindingAsync(seeded.PlainFinding);
        Assert.Null(plain.KevDateAdded);
        Assert.Null(plain.EpssFeedScore);
        Assert.Equal(22 + 8, plain.Priority);

        Assert.Equal(eventsBefore, await app.ScalarAsync("SELECT COUNT(*) FROM FindingEvents"));
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action IN ('intel.kev.loaded', 'intel.epss.loaded') AND EntityId IN (@kev, @epss)",
            ("@kev", kevLoad.GetProperty("loadId").GetInt64().ToString(CultureInfo.InvariantCulture)), ("@epss", epssLoad.GetProperty("loadId").GetInt64().ToString(CultureInfo.InvariantCulture))));

        // The findings API shows the intel, and a CVE finds its GHSA aliases too.
        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var page = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/findings?cve=CVE-2020-11023&team=Storefront-{seeded.Suffix}&pageSize=50");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { seeded.AliasFinding, seeded.KevFinding }.Order(), items.Select(i => i.GetProperty("id").GetInt64()).Order());
        Assert.All(items, i =>
        {
            var exploit = i.GetProperty("exploit");
            Assert.True(exploit.GetProperty("knownExploited").GetBoolean());
            Assert.Equal(entry.GetProperty("dateAdded").GetString(), exploit.GetProperty("kevDateAdded").GetString());
            Assert.Equal(entry.GetProperty("dueDate").GetString(), exploit.GetProperty("kevDueDate").GetString());
        });
    }

    [Fact]
    public async Task Fix_first_is_scoped_to_the_callers_teams_for_keys_and_people()
    {
        var seeded = await SeedAsync();
        await LoadAsync("/api/v1/intel/kev", KevFile);
        await LoadAsync("/api/v1/intel/epss", EpssFile);
        var teamAFindings = new[] { seeded.KevFinding, seeded.AliasFinding };

        using var teamKey = app.CreateApiClient(await app.CreateApiKeyAsync("read", seeded.TeamA));
        using var member = await app.SignedInClientAsync("AppTeam.Member", seeded.TeamA);
        foreach (var client in new[] { teamKey, member })
        {
            var view = await client.GetFromJsonAsync<JsonElement>("/api/v1/fix-first?top=200");
            var ids = view.GetProperty("top").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
            Assert.Contains(seeded.KevFinding, ids);
            Assert.DoesNotContain(seeded.EpssFinding, ids);
            Assert.DoesNotContain(seeded.PlainFinding, ids);
            Assert.All(view.GetProperty("teams").EnumerateArray(), t => Assert.Equal(seeded.TeamA, t.GetProperty("teamId").GetInt32()));
            Assert.Equal(teamAFindings.Length, view.GetProperty("knownExploitedInProduction").GetInt32());
            var priorities = view.GetProperty("top").EnumerateArray().Select(r => r.GetProperty("priority").GetInt32()).ToList();
            Assert.Equal(priorities.OrderDescending(), priorities);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/fix-first?team=Ledger-{seeded.Suffix}")).StatusCode);
        }

        using var analyst = await app.SignedInClientAsync("Security.Analyst");
        var all = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/fix-first?team=Ledger-{seeded.Suffix}");
        Assert.Contains(seeded.EpssFinding, all.GetProperty("top").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task A_bad_file_is_refused_with_its_line_and_changes_nothing()
    {
        await LoadAsync("/api/v1/intel/epss", EpssFile);
        var scores = await app.ScalarAsync("SELECT COUNT(*) FROM EpssScores");
        var loads = await app.ScalarAsync("SELECT COUNT(*) FROM IntelFeedLoads");
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));

        var bad = await client.PostAsync("/api/v1/intel/epss", new StringContent(
            "#model_version:v2023.03.01,score_date:2025-02-21T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.1,0.5\nCVE-1999-0002,0.1,percent\n"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("line 4, field percentile", problem.GetProperty("pointer").GetString());

        var badKev = await client.PostAsync("/api/v1/intel/kev", new StringContent("""{"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"},{"cveID":"CVE-2021-45046"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badKev.StatusCode);
        Assert.Equal("/vulnerabilities/1/dateAdded", (await badKev.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pointer").GetString());

        Assert.Equal(scores, await app.ScalarAsync("SELECT COUNT(*) FROM EpssScores"));
        Assert.Equal(loads, await app.ScalarAsync("SELECT COUNT(*) FROM IntelFeedLoads"));
    }

    [Fact]
    public async Task A_team_key_cannot_replace_an_organisation_wide_feed_and_a_read_key_cannot_load_one()
    {
        var team = await app.SeedTeamAsync("Feeds-" + Guid.NewGuid().ToString("N")[..6]);
        using var teamIngest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest", team));
        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));

        Assert.Equal(HttpStatusCode.Forbidden, (await teamIngest.PostAsync("/api/v1/intel/kev", new ByteArrayContent(TestFixtures.Read(KevFile)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/intel/epss", new ByteArrayContent(TestFixtures.Read(EpssFile)))).StatusCode);
    }

    [Fact]
    public async Task The_kev_sla_shortens_the_due_date_of_known_exploited_findings_only()
    {
        var seeded = await SeedAsync();
        await LoadAsync("/api/v1/intel/kev", KevFile);
        var before = await FindingAsync(seeded.PlainFinding);

        await app.AsJobAsync(async services =>
        {
            services.GetRequiredService<DataScope>().SetSystem("job:test-rescore");
            await using var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
            return await IntelRescorer.RescoreAsync(db, DateTimeOffset.UtcNow, kevSlaDays: 3, CancellationToken.None);
        });

        var kev = await FindingAsync(seeded.KevFinding);
        // Added to KEV long before it was first seen: due 3 days after first seen.
        Assert.Equal(kev.FirstSeenAt.AddDays(3), kev.SlaDueAt);
        Assert.Equal(before.SlaDueAt, (await FindingAsync(seeded.PlainFinding)).SlaDueAt);
    }
}
