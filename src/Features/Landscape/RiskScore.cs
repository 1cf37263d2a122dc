namespace K8Posture.Features.Landscape;

/// <summary>What the risk score of a cluster or namespace is computed from: its open findings and runtime alerts.</summary>
public sealed record RiskInputs(int Critical, int High, int Medium, int Low, int Exposed, int Privileged, int RuntimeAlerts24h);

/// <summary>
/// The documented risk score of a cluster or namespace (README "Risk score"; shown on the landscape):
/// <c>10·critical + 5·high + 2·medium + 0.5·low + 15·exposure + 8·privileged + 20·runtime alerts (24 h)</c>,
/// where exposure counts open findings of workloads reachable from outside the cluster (LoadBalancer/NodePort
/// services, host ports or host network, OWASP K06) and privileged counts open findings of privileged or HostProcess
/// containers and runtime-socket mounts. Additive so that every point can be explained by a row in the explorer.
/// </summary>
public static class RiskScore
{
    public const double CriticalWeight = 10;
    public const double HighWeight = 5;
    public const double MediumWeight = 2;
    public const double LowWeight = 0.5;
    public const double ExposureWeight = 15;
    public const double PrivilegedWeight = 8;
    public const double RuntimeAlertWeight = 20;

    public const string Formula = "10 × critical + 5 × high + 2 × medium + 0.5 × low + 15 × internet-exposure findings + 8 × privileged-workload findings + 20 × runtime alerts in the last 24 h";

    public static double Compute(RiskInputs inputs) =>
        CriticalWeight * inputs.Critical
        + HighWeight * inputs.High
        + MediumWeight * inputs.Medium
        + LowWeight * inputs.Low
        + ExposureWeight * inputs.Exposed
        + PrivilegedWeight * inputs.Privileged
        + RuntimeAlertWeight * inputs.RuntimeAlerts24h;
}
