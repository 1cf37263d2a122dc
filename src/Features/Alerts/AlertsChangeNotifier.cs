using K8Posture.Shared;

namespace K8Posture.Features.Alerts;

/// <summary>Tells open Alerts pages that alerts changed (a push, a triage, a suppression).</summary>
public sealed class AlertsChangeNotifier(ILogger<AlertsChangeNotifier> logger) : ChangeNotifier(logger)
{
    public void NotifyAlertsChanged() => Publish();
}
