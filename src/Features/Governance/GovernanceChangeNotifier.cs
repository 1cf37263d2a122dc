namespace K8Posture.Features.Governance;

/// <summary>
/// Tells open governance pages that the RACI matrix or an assessment changed, so they reload without a browser refresh.
/// Singleton; subscribers are circuits, so a failing or disposed subscriber is dropped, never allowed to break the publisher.
/// </summary>
public sealed class GovernanceChangeNotifier(ILogger<GovernanceChangeNotifier> logger)
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

    public void NotifyChanged()
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
            logger.LogDebug(ex, "A governance change subscriber failed (its circuit is probably gone); removing it");
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

    private sealed class Subscription(GovernanceChangeNotifier owner, Func<Task> subscriber) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(subscriber);
    }
}
