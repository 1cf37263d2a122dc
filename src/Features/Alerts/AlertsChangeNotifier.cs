namespace K8Posture.Features.Alerts;

/// <summary>
/// Tells open Alerts pages that alerts changed (a push, a triage), so they reload without a browser refresh.
/// Singleton; subscribers are circuits, so a failing or disposed subscriber is dropped, never allowed to break the publisher.
/// </summary>
public sealed class AlertsChangeNotifier(ILogger<AlertsChangeNotifier> logger)
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

    public void NotifyAlertsChanged()
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
            logger.LogDebug(ex, "An alerts subscriber failed (its circuit is probably gone); removing it");
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

    private sealed class Subscription(AlertsChangeNotifier owner, Func<Task> subscriber) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(subscriber);
    }
}
