using K8Posture.Data;
using K8Posture.Security;

namespace K8Posture.Features.Remediation;

/// <summary>Bound from section "Remediation".</summary>
public sealed class RemediationOptions
{
    public const string SectionName = "Remediation";

    /// <summary>The longest a risk acceptance may run, by the worst severity it covers; nothing runs longer than 365 days.</summary>
    public Dictionary<FindingSeverity, int> RiskAcceptanceMaxDays { get; set; } = new()
    {
        [FindingSeverity.Critical] = 30,
        [FindingSeverity.High] = 90,
        [FindingSeverity.Medium] = 180,
        [FindingSeverity.Low] = 365,
    };

    public const int AbsoluteMaxDays = 365;

    public int MaxDaysFor(FindingSeverity severity) =>
        Math.Min(AbsoluteMaxDays, RiskAcceptanceMaxDays.TryGetValue(severity, out var days) && days > 0 ? days : AbsoluteMaxDays);

    /// <summary>Link base for notifications (e.g. https://k8posture.contoso.com); empty leaves links relative.</summary>
    public string PublicBaseUrl { get; set; } = "";
}
