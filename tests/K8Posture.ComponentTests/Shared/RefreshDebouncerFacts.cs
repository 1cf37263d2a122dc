using K8Posture.Shared;

namespace K8Posture.ComponentTests.Shared;

public sealed class RefreshDebouncerFacts
{
    [Fact]
    public async Task A_burst_runs_the_action_once()
    {
        using var debouncer = new RefreshDebouncer(TimeSpan.FromMilliseconds(50));
        var runs = 0;

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => debouncer.DebounceAsync(() =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        })));

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Nothing_runs_after_dispose()
    {
        var debouncer = new RefreshDebouncer(TimeSpan.FromMilliseconds(50));
        var runs = 0;
        var pending = debouncer.DebounceAsync(() =>
        {
            runs++;
            return Task.CompletedTask;
        });

        debouncer.Dispose();
        await pending;
        await debouncer.DebounceAsync(() =>
        {
            runs++;
            return Task.CompletedTask;
        });

        Assert.Equal(0, runs);
    }
}
