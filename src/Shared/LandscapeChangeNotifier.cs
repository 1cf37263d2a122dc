namespace K8Posture.Shared;

/// <summary>Findings changed: the landscape cells rebuild and open pages reload.</summary>
public sealed class LandscapeChangeNotifier(ILogger<LandscapeChangeNotifier> logger) : ChangeNotifier(logger)
{
    private readonly Lock _gate = new();
    private readonly List<Func<IReadOnlyCollection<int?>?, Task>> _clusterSubscribers = [];

    /// <summary>Any finding may have changed.</summary>
    public void NotifyFindingsChanged() => Notify(null);

    /// <summary>
    /// Only findings in these clusters changed (null in the set: findings in no cluster), counting a moved finding's cluster
    /// before and after the move.
    /// </summary>
    public void NotifyFindingsChanged(IReadOnlyCollection<int?> clusterIds) => Notify(clusterIds);

    /// <summary>Told which clusters' findings changed (null: any), before the plain subscribers are told that something did.</summary>
    public IDisposable SubscribeToClusters(Func<IReadOnlyCollection<int?>?, Task> onChanged)
    {
        lock (_gate)
        {
            _clusterSubscribers.Add(onChanged);
        }
        return new ClusterSubscription(this, onChanged);
    }

    private void Notify(IReadOnlyCollection<int?>? clusterIds)
    {
        Func<IReadOnlyCollection<int?>?, Task>[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _clusterSubscribers];
        }
        foreach (var subscriber in snapshot)
        {
            _ = subscriber(clusterIds);
        }
        Publish();
    }

    private sealed class ClusterSubscription(LandscapeChangeNotifier owner, Func<IReadOnlyCollection<int?>?, Task> subscriber) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._clusterSubscribers.Remove(subscriber);
            }
        }
    }
}
