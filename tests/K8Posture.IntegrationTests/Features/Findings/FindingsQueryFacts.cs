using System.Net;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Findings;

/// <summary>The explorer's query and the landscape's aggregates on a real SQLite file, fed by a real push.</summary>
public sealed class FindingsQueryFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private async Task<(string Team, string Cluster)> PushAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var team = "Explorer-" + suffix;
        var cluster = "explorer-" + suffix;
        var teamId = await app.SeedTeamAsync(team);
        await app.SeedClusterAsync(cluster, ("default", teamId));
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var response = await pusher.PostAsync($"/api/v1/ingest/scans?team={team}&cluster={cluster}&scope=image:{suffix}",
            new ByteArrayContent(TestFixtures.Read("trivy/ubuntu-1804.json.golden")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (team, cluster);
    }

    private Task<FindingsListResult> ListAsync(FindingsCriteria criteria, int page, int size) =>
        app.AsSystemAsync(sp => sp.GetRequiredService<FindingsQuery>().ListAsync(criteria, page, size));

    [Fact]
    public async Task Pages_do_not_overlap_and_cover_the_total()
    {
        var (team, _) = await PushAsync();
        var criteria = new FindingsCriteria(Team: team, SortBy: FindingSortField.Title, Descending: false);
        var first = await ListAsync(criteria, 0, 2);
        Assert.True(first.Total > 4, $"the fixture should give more than two pages, gave {first.Total}");

        var ids = new List<long>();
        for (var page = 0; page * 2 < first.Total; page++)
        {
            ids.AddRange((await ListAsync(criteria, page, 2)).Items.Select(i => i.Id));
        }

        Assert.Equal(first.Total, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var titles = first.Items.Select(i => i.Title).ToList();
        Assert.Equal(titles.Order(StringComparer.OrdinalIgnoreCase), titles, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Sorts_by_severity_worst_first_by_default()
    {
        var (team, _) = await PushAsync();
        var page = await ListAsync(new FindingsCriteria(Team: team), 0, 100);
        var severities = page.Items.Select(i => i.Severity).ToList();
        Assert.Equal(severities.OrderByDescending(s => s), severities);
    }

    [Fact]
    public async Task Search_finds_by_cve_package_and_image_case_insensitively()
    {
        var (team, _) = await PushAsync();
        var any = (await ListAsync(new FindingsCriteria(Team: team), 0, 1)).Items.Single();

        var byCve = await ListAsync(new FindingsCriteria(Team: team, Search: any.VulnerabilityId!.ToLowerInvariant()), 0, 50);
        var byPackage = await ListAsync(new FindingsCriteria(Team: team, Search: any.PackageName!.ToUpperInvariant()), 0, 50);

        Assert.Contains(byCve.Items, i => i.Id == any.Id);
        Assert.All(byCve.Items, i => Assert.Equal(any.VulnerabilityId, i.VulnerabilityId, StringComparer.OrdinalIgnoreCase));
        Assert.Contains(byPackage.Items, i => i.Id == any.Id);
        Assert.Equal(0, (await ListAsync(new FindingsCriteria(Team: team, Search: "no-such-thing-%"), 0, 50)).Total);
    }

    [Fact]
    public async Task Cluster_and_unknown_names_filter()
    {
        var (team, cluster) = await PushAsync();
        var all = await ListAsync(new FindingsCriteria(Team: team), 0, 1);

        Assert.Equal(all.Total, (await ListAsync(new FindingsCriteria(Cluster: cluster), 0, 1)).Total);
        Assert.Equal(0, (await ListAsync(new FindingsCriteria(Team: team, Cluster: "no-such-cluster"), 0, 1)).Total);
    }

    [Fact]
    public async Task The_landscape_aggregates_match_the_explorer_counts()
    {
        var (team, cluster) = await PushAsync();
        await app.AsSystemAsync(async sp =>
        {
            await sp.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
            return 0;
        });

        var summary = await app.AsSystemAsync(sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter(Team: team)));
        // The landscape counts open findings without a verdict; its links list exactly those (verdict=None).
        var critical = await ListAsync(new FindingsCriteria(Team: team, Severity: FindingSeverity.Critical, Verdict: FindingResolution.None), 0, 1);
        var open = await ListAsync(new FindingsCriteria(Team: team, Verdict: FindingResolution.None), 0, 1);

        Assert.Equal(open.Total, summary.TotalOpen);
        Assert.Equal(critical.Total, summary.OpenCritical);
        var risky = Assert.Single(summary.RiskiestClusters);
        Assert.Equal(cluster, risky.Cluster);
        Assert.True(summary.ImagesSeen >= 1);
        var now = DateTimeOffset.UtcNow;
        var overdue = await app.WithDbAsync(async db => (await db.Findings.Where(f => f.OwnerTeam!.Name == team && f.Status == FindingStatus.Open && f.SlaDueAt != null)
            .Select(f => f.SlaDueAt!.Value).ToListAsync()).Count(d => d < now));
        Assert.Equal(overdue, summary.Figures.Overdue);
        // Nothing was remediated, so the only findings judged against the SLA are the overdue ones (none judged: no figure).
        Assert.Equal(0, summary.Figures.Remediated);
        Assert.Equal(overdue == 0 ? null : 0.0, summary.Figures.SlaCompliancePercent);
        Assert.Equal(100.0, summary.Figures.OwnedSharePercent);
    }

    [Fact]
    public async Task The_organisation_wide_rollup_agrees_with_the_findings()
    {
        var (team, cluster) = await PushAsync();
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team={team}&cluster={cluster}&scope=cluster:{cluster}",
            new ByteArrayContent(TestFixtures.Read("kubescape/defectdojo-kubescape-many-findings.json")))).StatusCode);
        // The same image scope reported with another image's scan: the first scan's findings close.
        var imageScope = (await app.WithDbAsync(db => db.Findings.Where(f => f.OwnerTeam!.Name == team && f.ScopeKey.StartsWith("image:")).Select(f => f.ScopeKey).FirstAsync()));
        Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?team={team}&cluster={cluster}&scope={imageScope}",
            new ByteArrayContent(TestFixtures.Read("trivy/alpine-310.json.golden")))).StatusCode);
        await app.AsSystemAsync(async sp =>
        {
            await sp.GetRequiredService<LandscapeCubeRefresher>().RebuildAsync(CancellationToken.None);
            return 0;
        });

        var summary = await app.AsSystemAsync(sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter()));

        var now = DateTimeOffset.UtcNow;
        var open = await app.WithDbAsync(db => db.Findings.Where(f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None)
            .Select(f => new { f.Severity, f.SlaDueAt, f.OwaspK8s, f.ImageRegistry, f.ImageRepository }).ToListAsync());
        // Everything here closed just now, inside the 30-day window.
        var closed = await app.WithDbAsync(db => db.Findings.Where(f => f.Status == FindingStatus.Closed && f.Resolution == FindingResolution.None).Select(f => new { f.ClosedAt, f.SlaDueAt }).ToListAsync());
        Assert.NotEmpty(closed);
        Assert.Contains(open, f => f.OwaspK8s != null);
        Assert.Equal(open.Count, summary.TotalOpen);
        Assert.Equal(open.Count(f => f.Severity == FindingSeverity.Critical), summary.OpenCritical);
        Assert.Equal(open.Count(f => f.SlaDueAt < now), summary.Figures.Overdue);
        Assert.Equal(closed.Count, summary.Figures.Remediated);
        Assert.Equal(closed.Count(f => f.SlaDueAt != null && f.ClosedAt <= f.SlaDueAt), summary.Figures.RemediatedOnTime);
        Assert.Equal(closed.Count(f => f.SlaDueAt != null && f.ClosedAt > f.SlaDueAt), summary.Figures.RemediatedLate);
        foreach (var item in summary.Owasp)
        {
            Assert.Equal(open.Count(f => f.OwaspK8s == item.Id), item.Count);
        }
        Assert.Equal(open.Where(f => f.ImageRepository != null).Select(f => (f.ImageRegistry ?? "docker.io") + "/" + f.ImageRepository).Distinct().Count(), summary.ImagesSeen);

        // A team filter reads the per-team cells instead: the team's share of the same picture.
        var teamOnly = await app.AsSystemAsync(sp => sp.GetRequiredService<LandscapeQueries>().GetSummaryAsync(new LandscapeFilter(Team: team)));
        Assert.Equal(await app.WithDbAsync(db => db.Findings.CountAsync(f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.OwnerTeam!.Name == team)), teamOnly.TotalOpen);
        Assert.Equal(await app.WithDbAsync(db => db.Findings.CountAsync(f => f.Status == FindingStatus.Closed && f.Resolution == FindingResolution.None && f.OwnerTeam!.Name == team)), teamOnly.Figures.Remediated);
    }
}
