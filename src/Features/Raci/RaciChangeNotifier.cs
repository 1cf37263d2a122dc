using K8Posture.Shared;

namespace K8Posture.Features.Raci;

/// <summary>Tells open pages (this slice's and the governance overview) that the RACI matrix changed (a new version was saved).</summary>
public sealed class RaciChangeNotifier(ILogger<RaciChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyChanged() => Publish();
}
