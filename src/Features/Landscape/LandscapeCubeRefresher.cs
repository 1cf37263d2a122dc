using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Keeps the landscape cells current: rebuilds them after findings change (debounced, one rebuild at a time, a change
/// during a rebuild queues exactly one more), every <see cref="PeriodicRebuild"/> (SLA due dates pass without any
/// push), and on first use. Pages subscribe to <see cref="Subscribe"/> to reload after a rebuild committed, or after the
/// runtime signals changed (read live, they need no rebuild). Singleton; the rebuild uses its own DI scope.
/// </summary>
public sealed class LandscapeCubeRefresher : IDisposable
{
    public static readonly TimeSpan PeriodicRebuild = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger<LandscapeCubeRefresher> _logger;
    private readonly LandscapeChangeNotifier _changed;
    private readonly IDisposable _findingsSubscription;
    private readonly IDisposable _signalsSubscription;
    private readonly RefreshDebouncer _debouncer = new(Debounce);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _timer;
    private readonly Lock _initialGate = new();
    private Task? _initial;
    private int _queued;

    public LandscapeCubeRefresher(IServiceScopeFactory scopes, LandscapeChangeNotifier findingsChanged, RuntimeSignalsChangeNotifier runtimeSignalsChanged,
        ILoggerFactory loggers, TimeProvider? clock = null)
    {
        _scopes = scopes;
        _clock = clock ?? TimeProvider.System;
        _logger = loggers.CreateLogger<LandscapeCubeRefresher>();
        _changed = new LandscapeChangeNotifier(loggers.CreateLogger<LandscapeChangeNotifier>());
        _findingsSubscription = findingsChanged.Subscribe(() => _debouncer.DebounceAsync(RebuildAndNotifyAsync));
        _signalsSubscription = runtimeSignalsChanged.Subscribe(() =>
        {
            _changed.NotifyFindingsChanged();
            return Task.CompletedTask;
        });
        _timer = _clock.CreateTimer(_ => _ = RebuildAndNotifyAsync(), null, PeriodicRebuild, PeriodicRebuild);
    }

    /// <summary>Called after each committed rebuild and after each change of the runtime signals.</summary>
    public IDisposable Subscribe(Func<Task> onChanged) => _changed.Subscribe(onChanged);

    /// <summary>Builds the cells once per process before the first read (the table may be stale or empty after a restart).</summary>
    public Task EnsureBuiltAsync(CancellationToken cancellationToken = default)
    {
        lock (_initialGate)
        {
            _initial ??= RebuildAsync(CancellationToken.None);
        }
        return _initial.WaitAsync(cancellationToken);
    }

    private async Task RebuildAndNotifyAsync()
    {
        try
        {
            await RebuildAsync(_debouncer.DisposedToken);
            _changed.NotifyFindingsChanged();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Rebuilding the landscape cells failed; the landscape shows the previous cells");
        }
    }

    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        // A change that arrives while a rebuild runs may not be in it: queue one more, collapse the rest.
        if (Interlocked.Increment(ref _queued) > 2)
        {
            Interlocked.Decrement(ref _queued);
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var started = _clock.GetTimestamp();
            var rows = await LandscapeCubeBuilder.RebuildAsync(db, _clock.GetUtcNow(), cancellationToken);
            _logger.LogDebug("Landscape cells rebuilt: {Rows} rows in {Elapsed} ms", rows, _clock.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _gate.Release();
            Interlocked.Decrement(ref _queued);
        }
    }

    public void Dispose()
    {
        _findingsSubscription.Dispose();
        _signalsSubscription.Dispose();
        _debouncer.Dispose();
        _timer.Dispose();
    }
}
