using K8Posture.Shared;

namespace K8Posture.Features.Tenancy;

/// <summary>Tells open pages (this slice's and the governance overview) that a tenancy assessment changed (drafted, submitted, decided or superseded).</summary>
public sealed class TenancyChangeNotifier(ILogger<TenancyChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyChanged() => Publish();
}
