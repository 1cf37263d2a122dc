namespace K8Posture.Features.Inventory;

/// <summary>
/// Tells open inventory pages that a push changed the inventory. Singleton; subscribers are circuits, so a failing or
/// disposed subscriber is dropped and never breaks the publisher (same contract as LandscapeChangeNotifier).
/// </summary>
public sealed class InventoryChangeNotifier(ILogger<InventoryChangeNotifier> logger)
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

    public void NotifyInventoryChanged()
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
            logger.LogDebug(ex, "An inventory subscriber failed (its circuit is probably gone); removing it");
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

    private sealed class Subscription(InventoryChangeNotifier owner, Func<Task> subscriber) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(subscriber);
    }
}
