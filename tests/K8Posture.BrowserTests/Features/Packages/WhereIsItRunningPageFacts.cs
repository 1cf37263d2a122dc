using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Packages;

/// <summary>
/// "Where is it running?" over the demo landscape after a Trivy Operator report and an SBOM with a vulnerable log4j-core were
/// pushed through the API. A demo app of its own: the pushes add workloads, components and watch findings.
/// </summary>
[Collection(WhereIsItRunningCollection.Name)]
public sealed class WhereIsItRunningPageFacts(BrowserAppFixture app)
{
    private const string Image = "ghcr.io/acme/checkout:1.4.2";

    private static JsonObject Report(string ns, string deployment) => new()
    {
        ["apiVersion"] = "aquasecurity.github.io/v1alpha1",
        ["kind"] = "VulnerabilityReport",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"replicaset-{deployment}-app",
            ["namespace"] = ns,
            ["labels"] = new JsonObject
            {
                ["trivy-operator.resource.kind"] = "Deployment", ["trivy-operator.resource.name"] = deployment,
                ["trivy-operator.resource.namespace"] = ns, ["trivy-operator.container.name"] = "app",
            },
        },
        ["report"] = new JsonObject
        {
            ["registry"] = new JsonObject { ["server"] = "ghcr.io" },
            ["artifact"] = new JsonObject { ["repository"] = "acme/checkout", ["tag"] = "1.4.2" },
            ["vulnerabilities"] = new JsonArray(),
        },
    };

    private const string Sbom = """
        {"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"tools":{"components":[{"type":"application","name":"syft","version":"1.18.1"}]},
          "component":{"type":"container","name":"ghcr.io/acme/checkout","version":"1.4.2"}},
         "components":[
          {"type":"library","group":"org.apache.logging.log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
           "licenses":[{"license":{"id":"Apache-2.0"}}]},
          {"type":"library","group":"org.apache.logging.log4j","name":"log4j-api","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"}]}
        """;

    [Fact]
    public async Task An_analyst_finds_every_workload_running_a_vulnerable_log4j_core()
    {
        var cluster = await app.App.WithDbAsync(db => db.Clusters.Where(c => c.Namespaces.Any(n => n.OwnerTeamId != null)).OrderBy(c => c.Id)
            .Select(c => new { c.Name, Namespaces = c.Namespaces.Where(n => n.OwnerTeamId != null).OrderBy(n => n.Name).Select(n => n.Name).Take(2).ToList() }).FirstAsync());
        using (var pusher = app.App.CreateApiClient(await app.App.CreateApiKeyAsync("ingest")))
        {
            var reports = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. cluster.Namespaces.Select(n => (JsonNode)Report(n, "checkout"))]) };
            Assert.True((await pusher.PostAsync("/api/v1/ingest/scans?cluster=" + cluster.Name, new ByteArrayContent(Encoding.UTF8.GetBytes(reports.ToJsonString())))).IsSuccessStatusCode);
            Assert.True((await pusher.PostAsync("/api/v1/ingest/scans", new ByteArrayContent(Encoding.UTF8.GetBytes(Sbom)))).IsSuccessStatusCode);
        }
        using (var admin = app.App.CreateApiClient(await app.App.CreateApiKeyAsync("admin")))
        {
            var created = await admin.PostAsJsonAsync("/api/v1/package-watches", new { name = "Log4Shell", purl = "pkg:maven/org.apache.logging.log4j/log4j-core", versionRange = ">=2.0.0 <2.17.1", severity = "Critical" });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var page = await app.NewPageAsync(1440, 900);
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.GotoAsync("/packages");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.Locator("#package-purl").FillAsync("pkg:maven/org.apache.logging.log4j/log4j-core");
        await page.Locator("#package-range").FillAsync("vers:maven/>=2.0.0|<2.17.1");
        await page.Locator("[data-testid=package-search]").ClickAsync();
        var rows = page.Locator("[data-testid=package-matches] tbody tr");
        await page.Locator("[data-testid=package-summary]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "where-is-it-running.png"), FullPage = true });

        Assert.Equal(cluster.Namespaces.Count, await rows.CountAsync());
        var text = await rows.First.InnerTextAsync();
        Assert.Contains("Deployment/checkout", text);
        Assert.Contains(Image, text);
        Assert.Contains("2.14.1", text);
        Assert.Contains("Log4Shell", await page.Locator("[data-testid=package-watches]").InnerTextAsync());

        // A range the version is outside of finds nothing; a bad one says what is wrong.
        await page.Locator("#package-range").FillAsync(">=2.17.1");
        await page.Locator("[data-testid=package-search]").ClickAsync();
        await page.Locator("[data-testid=package-matches]").GetByText("No workload you can see").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.Locator("#package-range").FillAsync(">=");
        await page.Locator("[data-testid=package-search]").ClickAsync();
        Assert.Contains("versionRange", await page.Locator("[data-testid=package-error]").InnerTextAsync());

        // The analyst saves the query searched as a watch; it is evaluated at once and listed with its matches.
        await page.Locator("#package-range").FillAsync(">=2.0.0 <2.17.1");
        await page.Locator("[data-testid=package-search]").ClickAsync();
        await page.Locator("[data-testid=package-watch-form]").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal(cluster.Namespaces.Count, await rows.CountAsync());
        await page.Locator("#package-watch-name").FillAsync("Log4Shell");
        await page.Locator("[data-testid=package-watch-create]").ClickAsync();
        var nameError = page.Locator("[data-testid=package-watch-form]").GetByText("A package watch named 'Log4Shell' exists already.");
        await nameError.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal(1, await page.Locator("[data-testid=package-watch-row]").CountAsync());

        await page.Locator("#package-watch-name").FillAsync("log4j-core 2.x before 2.17.1");
        await page.Locator("[data-testid=package-watch-create]").ClickAsync();
        var watchRow = page.Locator("[data-testid=package-watch-row][data-watch-name='log4j-core 2.x before 2.17.1']");
        await watchRow.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.GetByText("Watch 'log4j-core 2.x before 2.17.1' saved").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        var cells = watchRow.Locator("td");
        Assert.Equal("pkg:maven/org.apache.logging.log4j/log4j-core", await cells.Nth(1).InnerTextAsync());
        Assert.Equal(">=2.0.0 <2.17.1", await cells.Nth(2).InnerTextAsync());
        Assert.Equal("High", await cells.Nth(3).InnerTextAsync());
        Assert.Equal(cluster.Namespaces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await cells.Nth(4).InnerTextAsync());
        Assert.Equal(0, await nameError.CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "where-is-it-running-watch.png"), FullPage = true });
        Assert.Equal(1, await app.App.WithDbAsync(db => db.PackageWatches.CountAsync(w => w.Name == "log4j-core 2.x before 2.17.1")));

        // Delete asks once more before it deletes.
        await watchRow.Locator("[data-testid=package-watch-delete]").ClickAsync();
        await watchRow.Locator("[data-testid=package-watch-confirm-delete]").ClickAsync();
        await watchRow.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 15_000 });
        Assert.Equal(0, await app.App.WithDbAsync(db => db.PackageWatches.CountAsync(w => w.Name == "log4j-core 2.x before 2.17.1")));
        Assert.Equal(1, await page.Locator("[data-testid=package-watch-row]").CountAsync());

        // A watch's name links to its search on this same page: following it runs that search (the last one here failed).
        await page.Locator("[data-testid=package-watch-row][data-watch-name='Log4Shell'] a").ClickAsync();
        await rows.First.GetByText("Deployment/checkout").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal(cluster.Namespaces.Count, await rows.CountAsync());
        Assert.Equal(">=2.0.0 <2.17.1", await page.Locator("#package-range").InputValueAsync());
        Assert.Equal(0, await page.Locator("[data-testid=package-error]").CountAsync());

        // An app team member and leadership see the watches and the matches they may see, but may neither create nor delete.
        await AssertReadsWatchesOnlyAsync("AppTeam.Member", "Payments");
        await AssertReadsWatchesOnlyAsync("Leadership.Viewer", null);
    }

    private async Task AssertReadsWatchesOnlyAsync(string role, string? team)
    {
        var member = await app.NewPageAsync(1440, 900);
        await BrowserAppFixture.SignInAsync(member, role, team);
        await member.GotoAsync("/packages?purl=" + Uri.EscapeDataString("pkg:maven/org.apache.logging.log4j/log4j-core") + "&versionRange=" + Uri.EscapeDataString("<2.17.1"));
        await BrowserAppFixture.WaitForInteractiveAsync(member);
        await member.Locator("[data-testid=package-summary]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await member.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"where-is-it-running-{role}.png"), FullPage = true });
        Assert.Contains("Log4Shell", await member.Locator("[data-testid=package-watches]").InnerTextAsync());
        Assert.Equal(0, await member.Locator("[data-testid=package-watch-form]").CountAsync());
        Assert.Equal(0, await member.Locator("[data-testid=package-watch-delete]").CountAsync());
    }
}

[CollectionDefinition(Name)]
public sealed class WhereIsItRunningCollection : ICollectionFixture<BrowserAppFixture>
{
    public const string Name = "where-is-it-running";
}
