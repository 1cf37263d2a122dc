using K8Posture.Features.Landscape;
using K8Posture.Shared;

namespace K8Posture.Features.Alerts;

/// <summary>
/// Tells open Alerts pages that alerts changed (a push, a triage, a suppression), and the landscape too: its runtime
/// figures (alerts in 24 h, by IOC class, in the risk score) count the same rows.
/// </summary>
public sealed class AlertsChangeNotifier(ILogger<AlertsChangeNotifier> logger, RuntimeSignalsChangeNotifier landscape) : ChangeNotifier(logger)
{
    public void NotifyAlertsChanged()
    {
        Publish();
        landscape.NotifyRuntimeSignalsChanged();
    }
}
