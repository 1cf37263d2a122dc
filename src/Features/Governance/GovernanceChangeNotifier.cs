using K8Posture.Shared;

namespace K8Posture.Features.Governance;

/// <summary>Tells open governance pages that the RACI matrix or an assessment changed.</summary>
public sealed class GovernanceChangeNotifier(ILogger<GovernanceChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyChanged() => Publish();
}
