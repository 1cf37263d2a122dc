using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Intel;

/// <summary>
/// Fix first over the demo landscape after the real KEV and EPSS files were loaded through the API. It has a demo app of its
/// own: the Log4Shell finding it adds (straight into the database, without sightings or a landscape rebuild) must not reach
/// the tests that compare figures across pages or open the first CVE finding.
/// </summary>
[Collection(FixFirstCollection.Name)]
public sealed class FixFirstPageFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task An_analyst_sees_the_top_of_the_priority_ordering_and_every_input_of_a_finding()
    {
        // A Log4Shell finding on a production workload: the demo's scanner output has no CVE on CISA's catalog.
        var clusterId = await app.App.WithDbAsync(db => db.Clusters.Where(c => c.Environment == "production").OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
        var teamId = await app.App.WithDbAsync(db => db.Namespaces.Where(n => n.ClusterId == clusterId && n.OwnerTeamId != null).Select(n => n.OwnerTeamId!.Value).FirstAsync());
        await app.App.WithDbAsync(async db =>
        {
            db.Findings.Add(new Finding
            {
                Fingerprint = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                ContentHash = "browser-test", Source = "trivy-operator", ScopeKey = "test:fix-first", Category = FindingCategory.Vulnerability,
                Severity = FindingSeverity.Critical, Title = "log4j-core: remote code execution in JNDI lookups (Log4Shell)",
                VulnerabilityId = "CVE-2021-44228", IntelCveId = "CVE-2021-44228", PackageName = "org.apache.logging.log4j:log4j-core",
                InstalledVersion = "2.14.1", FixedVersion = "2.17.1", ClusterId = clusterId, NamespaceName = "payments", ResourceKind = "Deployment",
                ResourceName = "checkout", OwnerTeamId = teamId, Status = FindingStatus.Open,
                FirstSeenAt = DateTimeOffset.UtcNow.AddDays(-3), LastSeenAt = DateTimeOffset.UtcNow, SlaDueAt = DateTimeOffset.UtcNow.AddDays(4),
            });
            // Its cluster was collected and found an Ingress to its Deployment (what ClusterCollectionJob stores).
            db.ExposedWorkloads.Add(new K8Posture.Features.Clusters.ExposedWorkload
            {
                ClusterId = clusterId, NamespaceName = "payments", WorkloadKind = "Deployment", WorkloadName = "checkout",
                Via = K8Posture.Features.Clusters.ExposureKind.Ingress, Detail = "Ingress pay.example.com/checkout → svc/checkout", OwnerTeamId = teamId,
            });
            (await db.Clusters.SingleAsync(c => c.Id == clusterId)).ExposureCollectedAt = DateTimeOffset.UtcNow;
            return await db.SaveChangesAsync();
        });
        using (var pusher = app.App.CreateApiClient(await app.App.CreateApiKeyAsync("ingest")))
        {
            Assert.True((await pusher.PostAsync("/api/v1/intel/kev", new ByteArrayContent(TestFixtures.Read("kev/cisa-kev-catalog-2025.01.24.json")))).IsSuccessStatusCode);
            Assert.True((await pusher.PostAsync("/api/v1/intel/epss", new ByteArrayContent(TestFixtures.Read("epss/vunnel-epss-scores-2025-02-20-head.csv")))).IsSuccessStatusCode);
        }

        var page = await app.NewPageAsync(1440, 900);
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/fix-first");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var rows = page.Locator("[data-testid=fix-first-organisation] [data-testid=fix-first-row]");
        await rows.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "fix-first.png"), FullPage = false });

        var priorities = (await page.Locator("[data-testid=fix-first-organisation] [data-testid=fix-first-priority]").AllInnerTextsAsync()).Select(int.Parse).ToList();
        Assert.Equal(priorities.OrderDescending(), priorities);
        Assert.Contains("CVE-2021-44228", await rows.First.InnerTextAsync());
        Assert.Equal(1, await rows.First.Locator("[data-testid=kev-chip]").CountAsync());
        Assert.NotEqual("0", (await page.Locator("[data-testid=kpi-kev-production] [data-testid=kpi-value]").InnerTextAsync()).Trim());
        Assert.Contains("known exploited", await page.Locator("[data-testid=priority-formula]").InnerTextAsync());

        await rows.First.Locator("a").First.ClickAsync();
        var terms = page.Locator("[data-testid=priority-terms]");
        await terms.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("Known exploited (CISA KEV)", await terms.InnerTextAsync());
        var exposed = terms.Locator("tr", new LocatorLocatorOptions { HasText = "Exposed outside the cluster" });
        Assert.Equal("Exposed outside the cluster\tyes — Ingress pay.example.com/checkout → svc/checkout\t8 / 8", (await exposed.InnerTextAsync()).Trim());
        Assert.Contains("known exploited — added 2021-12-10", await page.Locator("[data-testid=finding-intel]").InnerTextAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "fix-first-finding-drawer.png") });
        await exposed.ScrollIntoViewIfNeededAsync();
        await terms.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "fix-first-priority-terms.png") });
    }
}

[CollectionDefinition(Name)]
public sealed class FixFirstCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "fix-first";
}
