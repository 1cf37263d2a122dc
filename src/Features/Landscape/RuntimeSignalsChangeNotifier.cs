using K8Posture.Shared;

namespace K8Posture.Features.Landscape;

/// <summary>
/// Tells the landscape that its runtime signals changed (the source behind <see cref="ILandscapeSignalSource"/> says when:
/// an alert pushed, triaged or suppressed). The signals are read live, not from the cells, so open pages reload without
/// a rebuild; <see cref="LandscapeCubeRefresher"/> passes it on to its subscribers.
/// </summary>
public sealed class RuntimeSignalsChangeNotifier(ILogger<RuntimeSignalsChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyRuntimeSignalsChanged() => Publish();
}
