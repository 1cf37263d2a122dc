namespace K8Posture.Shared;

/// <summary>
/// Tells open pages that their data changed, so they reload without a browser refresh. One singleton per kind of data;
/// subscribers are circuits, so a failing or disposed subscriber is dropped, never allowed to break the publisher.
/// </summary>
public abstract class ChangeNotifier(ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly List<Func<Task>> _subscribers = [];

    public IDisposable Subscribe(Func<Task> onChanged)
    {
        lock (_gate)
        {
            _subscribers.Add(onChanged);
        }
        return new Subscription(this, onChanged);
    }

    protected void Publish()
    {
        Func<Task>[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _subscribers];
        }
        foreach (var subscriber in snapshot)
        {
            _ = InvokeSafelyAsync(subscriber);
        }
    }

    private async Task InvokeSafelyAsync(Func<Task> subscriber)
    {
        try
        {
            await subscriber();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "A {Notifier} subscriber failed (its circuit is probably gone); removing it", GetType().Name);
            Unsubscribe(subscriber);
        }
    }

    private void Unsubscribe(Func<Task> subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private sealed class Subscription(ChangeNotifier owner, Func<Task> subscriber) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(subscriber);
    }
}
