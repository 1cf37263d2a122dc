using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Keeps the landscape cells current: rebuilds them after findings change (debounced, one rebuild at a time, a change
/// during a rebuild queues exactly one more), every <see cref="PeriodicRebuild"/> (SLA due dates pass without any
/// push), and on first use. A change that names its clusters (a push, a collection) rebuilds only those clusters' cells;
/// any other change, the first rebuild of the process and the periodic one rebuild every cell. Pages subscribe to <see cref="Subscribe"/> to reload after a rebuild committed, or after the
/// runtime signals changed (read live, they need no rebuild). Singleton; the rebuild uses its own DI scope.
/// </summary>
public sealed class LandscapeCubeRefresher : IDisposable
{
    public static readonly TimeSpan PeriodicRebuild = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    // Beyond this many clusters a partial rebuild's IN list saves little over a whole one.
    private const int MaxPartitionClusters = 200;

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
    private readonly Lock _pendingGate = new();
    private TaskCompletionSource? _pending;
    private readonly Lock _dirtyGate = new();
    // Until the first rebuild of this process, the table may be stale anywhere: the first rebuild is a whole one.
    private bool _everythingDirty = true;
    private readonly HashSet<int?> _dirtyClusters = [];

    public LandscapeCubeRefresher(IServiceScopeFactory scopes, LandscapeChangeNotifier findingsChanged, RuntimeSignalsChangeNotifier runtimeSignalsChanged,
        ILoggerFactory loggers, TimeProvider? clock = null)
    {
        _scopes = scopes;
        _clock = clock ?? TimeProvider.System;
        _logger = loggers.CreateLogger<LandscapeCubeRefresher>();
        _changed = new LandscapeChangeNotifier(loggers.CreateLogger<LandscapeChangeNotifier>());
        _findingsSubscription = findingsChanged.SubscribeToClusters(clusterIds =>
        {
            MarkDirty(clusterIds);
            return _debouncer.DebounceAsync(RebuildAndNotifyAsync);
        });
        _signalsSubscription = runtimeSignalsChanged.Subscribe(() =>
        {
            _changed.NotifyFindingsChanged();
            return Task.CompletedTask;
        });
        _timer = _clock.CreateTimer(_ =>
        {
            MarkDirty(null);
            _ = RebuildAndNotifyAsync();
        }, null, PeriodicRebuild, PeriodicRebuild);
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
            await QueueAsync(_debouncer.DisposedToken);
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

    /// <summary>
    /// Rebuilds every cell from the findings as they are when it starts. A call that arrives while a rebuild runs queues one
    /// more; every later call shares that queued one (which starts after all of them asked), and each returns only when the
    /// rebuild that includes its change is done.
    /// </summary>
    public Task RebuildAsync(CancellationToken cancellationToken)
    {
        MarkDirty(null);
        return QueueAsync(cancellationToken);
    }

    /// <summary>Clusters whose findings changed (null in the set: findings in no cluster); null: any finding may have.</summary>
    private void MarkDirty(IReadOnlyCollection<int?>? clusterIds)
    {
        lock (_dirtyGate)
        {
            if (clusterIds is null)
            {
                _everythingDirty = true;
                _dirtyClusters.Clear();
            }
            else if (!_everythingDirty)
            {
                _dirtyClusters.UnionWith(clusterIds);
            }
        }
    }

    /// <summary>What the starting rebuild covers (null: everything; empty: nothing changed since the last one).</summary>
    private CellPartition? TakeDirty()
    {
        lock (_dirtyGate)
        {
            var partition = _everythingDirty || _dirtyClusters.Count > MaxPartitionClusters ? null : CellPartition.Of(_dirtyClusters);
            _everythingDirty = false;
            _dirtyClusters.Clear();
            return partition;
        }
    }

    private Task QueueAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource mine;
        lock (_pendingGate)
        {
            if (_pending is { } queued)
            {
                return queued.Task.WaitAsync(cancellationToken);
            }
            _pending = mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return RunAsync(mine, cancellationToken);
    }

    private async Task RunAsync(TaskCompletionSource mine, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LeaveQueue(mine);
            mine.TrySetCanceled(cancellationToken);
            throw;
        }
        // Started: a change from here on may not be in this rebuild, so it queues the next one.
        LeaveQueue(mine);
        var partition = TakeDirty();
        try
        {
            if (partition is { ClusterIds.Count: 0, IncludesNoCluster: false })
            {
                mine.TrySetResult();
                return;
            }
            await using var scope = _scopes.CreateAsyncScope();
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var started = _clock.GetTimestamp();
            var rows = await LandscapeCubeBuilder.RebuildAsync(db, _clock.GetUtcNow(), partition, cancellationToken);
            _logger.LogDebug("Landscape cells rebuilt ({Partition}): {Rows} rows in {Elapsed} ms",
                partition is null ? "every cluster" : $"{partition.ClusterIds.Count} clusters{(partition.IncludesNoCluster ? " and no cluster" : "")}",
                rows, _clock.GetElapsedTime(started).TotalMilliseconds);
            mine.TrySetResult();
        }
        catch (Exception ex)
        {
            // What this rebuild was to cover is still to be done.
            MarkDirty(partition is null ? null : [.. partition.ClusterIds.Select(id => (int?)id), .. partition.IncludesNoCluster ? [null] : Array.Empty<int?>()]);
            mine.TrySetException(ex);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void LeaveQueue(TaskCompletionSource mine)
    {
        lock (_pendingGate)
        {
            if (_pending == mine)
            {
                _pending = null;
            }
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
