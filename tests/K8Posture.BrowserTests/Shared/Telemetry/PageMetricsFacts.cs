using K8Posture.BrowserTests.Infrastructure;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Shared.Telemetry;

[Collection(BrowserCollection.Name)]
public sealed class PageMetricsFacts(BrowserAppFixture app)
{
    [Fact]
    public async Task A_page_view_records_when_its_data_reached_the_browser_and_the_circuit_is_counted_while_open()
    {
        using var recorder = new MeterRecorder(app.App.Services);
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Analyst");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=landscape-chart]", new PageWaitForSelectorOptions { Timeout = 30_000 });

        await WaitUntilAsync(recorder, () => recorder.Of("k8posture.page.data_time").Any(m => Equals(m.Tags["page.route"], "/")));
        var landscape = recorder.Of("k8posture.page.data_time").First(m => Equals(m.Tags["page.route"], "/"));
        Assert.InRange(landscape.Value, double.Epsilon, 30);
        Assert.True(CircuitsOpened(recorder) >= 1, "no circuit was counted as open");

        // A navigation in the same circuit is a new page view, tagged by its route template.
        await page.GotoAsync("/findings?severity=Critical");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-title]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await WaitUntilAsync(recorder, () => recorder.Of("k8posture.page.data_time").Any(m => Equals(m.Tags["page.route"], "/findings")));

        var openBeforeLeaving = CircuitsOpen(recorder);
        Assert.True(openBeforeLeaving >= 1, $"{openBeforeLeaving} circuits counted open while the page is open");
        // Leaving the page tells the server (Blazor's unload beacon), which closes the circuit at once.
        await page.GotoAsync("about:blank");
        await WaitUntilAsync(recorder, () => CircuitsOpen(recorder) < openBeforeLeaving);
        await page.Context.CloseAsync();
    }

    private static long CircuitsOpen(MeterRecorder recorder) => (long)recorder.Of("k8posture.circuits.open").Sum(m => m.Value);

    private static long CircuitsOpened(MeterRecorder recorder) => recorder.Of("k8posture.circuits.open").Count(m => m.Value > 0);

    private static async Task WaitUntilAsync(MeterRecorder recorder, Func<bool> condition)
    {
        for (var waited = 0; waited < 20_000 && !condition(); waited += 100)
        {
            await Task.Delay(100);
        }
        Assert.True(condition(), "the expected measurement did not arrive within 20 s; measured: "
            + string.Join("; ", recorder.Measurements.Select(m => $"{m.Instrument}={m.Value} {string.Join(",", m.Tags.Select(t => $"{t.Key}:{t.Value}"))}")));
    }
}
