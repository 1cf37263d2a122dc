namespace K8Posture.Shared;

/// <summary>Tells open pages that findings changed (a push, a collection, a person's change).</summary>
public sealed class LandscapeChangeNotifier(ILogger<LandscapeChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyFindingsChanged() => Publish();
}
