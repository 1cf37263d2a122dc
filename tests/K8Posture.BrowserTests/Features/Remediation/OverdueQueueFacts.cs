using System.Text.RegularExpressions;
using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Remediation;

/// <summary>The overdue queue: worst severity first, then the longest overdue, and every overdue finding reachable by paging.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class OverdueQueueFacts(BrowserAppFixture app)
{
    private static readonly string[] WorstFirst = ["Critical", "High", "Medium", "Low", "Info", "Unknown"];

    [GeneratedRegex(@"\((\d+) d overdue\)")]
    private static partial Regex DaysOverdue();

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(1920, 1080)]
    public async Task An_admin_sees_criticals_first_and_pages_through_every_overdue_finding(int width, int height)
    {
        var page = await app.NewPageAsync(width, height);
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/remediation");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var rows = page.Locator("[data-testid=queue-overdue-table] tbody tr");
        await rows.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, $"remediation-overdue-{width}.png") });
        var total = int.Parse(await page.Locator("[data-testid=queue-overdue-count]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total > 10, "the demo ages more findings past their SLA than one page holds");

        // 100 a page: every overdue finding in at most a couple of pages, in one order from first to last.
        await page.Locator("[data-testid=queue-overdue-pager] .mud-table-pagination-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = "100" }).ClickAsync();
        var seen = new List<(int Rank, int Days)>();
        while (true)
        {
            // The page asked for is shown once the pager says it starts at the next row and that many rows are drawn: the
            // loading bar alone can be read before a new page size or page has even started loading.
            var expected = new { first = seen.Count + 1, rows = Math.Min(100, total - seen.Count) };
            await page.WaitForFunctionAsync("""
                expected => !document.querySelector('[data-testid=queue-overdue-table] .mud-table-loading')
                    && [...document.querySelectorAll('[data-testid=queue-overdue-pager] .mud-table-pagination-caption')]
                        .some(caption => caption.textContent.trim().startsWith(expected.first + '-'))
                    && document.querySelectorAll('[data-testid=queue-overdue-table] tbody tr').length === expected.rows
                """, expected, new PageWaitForFunctionOptions { Timeout = 30_000 });
            foreach (var row in await rows.AllAsync())
            {
                var severity = (await row.Locator("[data-testid=severity-chip]").InnerTextAsync()).Trim();
                var due = await row.Locator("[data-testid=queue-overdue-due]").InnerTextAsync();
                seen.Add((Array.IndexOf(WorstFirst, severity), int.Parse(DaysOverdue().Match(due).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
            var next = page.Locator("[data-testid=queue-overdue-pager] button[aria-label='Next page']");
            if (seen.Count >= total || await next.IsDisabledAsync())
            {
                break;
            }
            await next.ClickAsync();
        }

        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.OrderBy(s => s.Rank).ThenByDescending(s => s.Days), seen);
        Assert.True(seen[0].Rank < seen[^1].Rank, "the demo has overdue findings of more than one severity");
    }
}
