namespace K8Posture.Shared;

/// <summary>
/// Turns a burst of change notifications (a pipeline pushing many images) into one reload: each call restarts
/// the wait, and only the last call of a burst runs its action. After <see cref="Dispose"/> nothing runs.
/// </summary>
public sealed class RefreshDebouncer(TimeSpan delay) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private CancellationTokenSource? _pending;

    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(300);

    public bool IsDisposed => _disposed.IsCancellationRequested;

    /// <summary>Cancelled when the owner is disposed; pass it to the queries the action runs.</summary>
    public CancellationToken DisposedToken => _disposed.Token;

    public async Task DebounceAsync(Func<Task> action)
    {
        CancellationTokenSource pending;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _pending?.Cancel();
            _pending?.Dispose();
            _pending = pending = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        }
        try
        {
            await Task.Delay(delay, pending.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (!_disposed.IsCancellationRequested)
        {
            await action();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed.Cancel();
            _pending?.Dispose();
            _pending = null;
        }
    }
}
