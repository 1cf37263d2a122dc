using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Policy;

public static class PolicySla
{
    /// <summary>The Security Team's SLA days once a policy has been saved; null until then, so the configured defaults (Sla:Days) apply.</summary>
    public static SlaOptions? SlaOf(CurrentPolicy policy)
    {
        if (policy.Version == 0)
        {
            return null;
        }
        var defaults = new SlaDays();
        int Days(FindingSeverity severity, int fallback) => policy.Document.SlaDays.TryGetValue(severity, out var days) ? days : fallback;
        return new SlaOptions
        {
            Days = new SlaDays
            {
                Critical = Days(FindingSeverity.Critical, defaults.Critical),
                High = Days(FindingSeverity.High, defaults.High),
                Medium = Days(FindingSeverity.Medium, defaults.Medium),
                Low = Days(FindingSeverity.Low, defaults.Low),
            },
        };
    }
}
