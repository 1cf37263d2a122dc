using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Landscape;

/// <summary>Each persona opens the landscape and the findings explorer in a real browser; screenshots are kept and axe checks them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PersonaLandscapeFacts(BrowserAppFixture app)
{
    public static TheoryData<string, string?, string> Personas => new()
    {
        { "Security.Admin", null, "admin" },
        { "Security.Analyst", null, "analyst" },
        { "Leadership.Viewer", null, "leadership" },
        { "AppTeam.Member", "Payments", "appteam" },
        { "Auditor", null, "auditor" },
    };

    [Theory]
    [MemberData(nameof(Personas))]
    public async Task Each_persona_sees_the_landscape_and_the_findings_explorer(string role, string? team, string slug)
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, role, team);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=kpi-open-critical] [data-testid=kpi-value]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-testid=landscape-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1200);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"landscape-{slug}.png"), FullPage = true });

        if (team is not null)
        {
            Assert.Equal($"Showing team {team}", (await page.Locator("[data-testid=team-scope]").InnerTextAsync()).Trim());
        }
        else
        {
            Assert.Equal(0, await page.Locator("[data-testid=team-scope]").CountAsync());
        }

        await page.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"findings-{slug}.png"), FullPage = true });
        if (team is not null)
        {
            Assert.All(await page.Locator("[data-testid=finding-team]").AllInnerTextsAsync(), t => Assert.Equal(team, t.Trim()));
        }
    }

    [Fact]
    public async Task The_landscape_and_the_explorer_have_no_serious_or_critical_accessibility_violations()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await page.WaitForSelectorAsync("[data-testid=landscape-chart] .apexcharts-canvas", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1200);
        var landscape = await page.RunAxe();

        await page.GotoAsync("/findings");
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var findings = await page.RunAxe();

        var serious = landscape.Violations.Concat(findings.Violations).Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(serious.Count == 0, "axe found:\n" + string.Join('\n', serious));
    }

    [Fact]
    public async Task Clicking_a_finding_opens_its_detail_drawer()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await BrowserAppFixture.OpenFirstFindingAsync(page, "q=CVE");

        await page.WaitForSelectorAsync("[data-testid=finding-history]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "finding-drawer.png") });
        Assert.True(await page.Locator("[data-testid=finding-sightings] tbody tr").CountAsync() >= 1);
    }
}
