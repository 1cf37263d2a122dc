using System.Globalization;
using K8Posture.Data;

namespace K8Posture.Features.Intel;

/// <summary>The inputs of one finding's priority, as stored on it by the re-score.</summary>
public sealed record PriorityInputs(
    FindingSeverity Severity,
    bool KnownExploited,
    double? Epss,
    bool InProduction,
    bool Exposed,
    bool Privileged,
    bool RecentRuntimeAlert,
    bool FixAvailable)
{
    public static PriorityInputs Of(Finding f) => new(
        f.Severity, f.KevDateAdded is not null, f.EpssFeedScore ?? f.Epss, f.InProduction, f.Exposed, f.Privileged, f.RecentRuntimeAlert,
        !string.IsNullOrEmpty(f.FixedVersion));
}

/// <summary>One term of the sum, for showing the formula on a finding.</summary>
public sealed record PriorityTerm(string Input, string Value, int Points, int MaxPoints);

/// <summary>
/// The documented priority of a finding (README "Exploit intelligence and Fix first"): an additive score from 0 to 100,
/// higher is fixed first, so every point can be explained by one input.
/// <code>
/// severity (critical 30, high 22, medium 14, low 6, else 0)
/// + 25 if on CISA KEV (known exploited)
/// + EPSS probability (≥ 0.5: 15, ≥ 0.1: 10, ≥ 0.01: 5, else 0) — the FIRST feed's, else the scanner's
/// + 8 running in a production cluster + 8 exposed outside the cluster + 4 privileged
/// + 6 runtime alert on the same workload in the last 7 days + 4 fix available
/// </code>
/// The same constants build the SQL of the set-based re-score (<see cref="Sql"/>) and the C# of <see cref="Compute"/>.
/// </summary>
public static class FindingPriority
{
    public const int Critical = 30, High = 22, Medium = 14, Low = 6;
    public const int KnownExploited = 25;
    public const int EpssVeryLikely = 15, EpssLikely = 10, EpssPossible = 5;
    public const double EpssVeryLikelyAt = 0.5, EpssLikelyAt = 0.1, EpssPossibleAt = 0.01;
    public const int Production = 8, Exposure = 8, PrivilegedWorkload = 4, RuntimeAlert = 6, FixAvailable = 4;
    public const int RuntimeAlertDays = 7;
    public const int Max = Critical + KnownExploited + EpssVeryLikely + Production + Exposure + PrivilegedWorkload + RuntimeAlert + FixAvailable;

    public const string Formula =
        "severity (critical 30, high 22, medium 14, low 6) + 25 known exploited (CISA KEV) + EPSS (≥ 50 %: 15, ≥ 10 %: 10, ≥ 1 %: 5) "
        + "+ 8 production cluster + 8 exposed + 4 privileged + 6 runtime alert on the workload (7 days) + 4 fix available";

    public static int SeverityPoints(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => Critical,
        FindingSeverity.High => High,
        FindingSeverity.Medium => Medium,
        FindingSeverity.Low => Low,
        _ => 0,
    };

    public static int EpssPoints(double? epss) => epss switch
    {
        >= EpssVeryLikelyAt => EpssVeryLikely,
        >= EpssLikelyAt => EpssLikely,
        >= EpssPossibleAt => EpssPossible,
        _ => 0,
    };

    /// <param name="exposedHow">How the workload is exposed (<see cref="ExposureExplanation"/>), shown in place of a bare "yes"/"no".</param>
    public static IReadOnlyList<PriorityTerm> Terms(PriorityInputs i, string? exposedHow = null) =>
    [
        new("Severity", i.Severity.ToString(), SeverityPoints(i.Severity), Critical),
        new("Known exploited (CISA KEV)", YesNo(i.KnownExploited), i.KnownExploited ? KnownExploited : 0, KnownExploited),
        new("EPSS probability", i.Epss is { } e ? e.ToString("P2", CultureInfo.InvariantCulture) : "unknown", EpssPoints(i.Epss), EpssVeryLikely),
        new("Production cluster", YesNo(i.InProduction), i.InProduction ? Production : 0, Production),
        new("Exposed outside the cluster", exposedHow ?? YesNo(i.Exposed), i.Exposed ? Exposure : 0, Exposure),
        new("Privileged workload", YesNo(i.Privileged), i.Privileged ? PrivilegedWorkload : 0, PrivilegedWorkload),
        new($"Runtime alert on the workload ({RuntimeAlertDays} days)", YesNo(i.RecentRuntimeAlert), i.RecentRuntimeAlert ? RuntimeAlert : 0, RuntimeAlert),
        new("Fix available", YesNo(i.FixAvailable), i.FixAvailable ? FixAvailable : 0, FixAvailable),
    ];

    public static int Compute(PriorityInputs inputs) => Terms(inputs).Sum(t => t.Points);

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>The same sum as <see cref="Compute"/> over the stored columns of "Findings", for one UPDATE.</summary>
    public static string Sql(bool sqlServer)
    {
        string Yes(string column) => sqlServer ? $"\"{column}\" = 1" : $"\"{column}\" <> 0";
        var epss = "COALESCE(\"EpssFeedScore\", \"Epss\")";
        string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return $"""
            (CASE "Severity" WHEN {(int)FindingSeverity.Critical} THEN {Critical} WHEN {(int)FindingSeverity.High} THEN {High}
                WHEN {(int)FindingSeverity.Medium} THEN {Medium} WHEN {(int)FindingSeverity.Low} THEN {Low} ELSE 0 END)
            + (CASE WHEN "KevDateAdded" IS NOT NULL THEN {KnownExploited} ELSE 0 END)
            + (CASE WHEN {epss} >= {D(EpssVeryLikelyAt)} THEN {EpssVeryLikely} WHEN {epss} >= {D(EpssLikelyAt)} THEN {EpssLikely}
                WHEN {epss} >= {D(EpssPossibleAt)} THEN {EpssPossible} ELSE 0 END)
            + (CASE WHEN {Yes("InProduction")} THEN {Production} ELSE 0 END)
            + (CASE WHEN {Yes("Exposed")} THEN {Exposure} ELSE 0 END)
            + (CASE WHEN {Yes("Privileged")} THEN {PrivilegedWorkload} ELSE 0 END)
            + (CASE WHEN {Yes("RecentRuntimeAlert")} THEN {RuntimeAlert} ELSE 0 END)
            + (CASE WHEN "FixedVersion" IS NOT NULL AND "FixedVersion" <> '' THEN {FixAvailable} ELSE 0 END)
            """;
    }
}

/// <summary>
/// What the "Exposed outside the cluster" input says on a finding: the ways the collection found into its workload
/// ("Ingress shop.example.com/ → svc/web"), else where a "yes" came from when the collection named none.
/// </summary>
public static class ExposureExplanation
{
    public const string NamespaceWide =
        "yes — a LoadBalancer or NodePort service in its namespace, or an exposure finding on the workload (the cluster's services were never collected, so the whole namespace counts)";

    public const string FromFindings = "yes — a host-port, host-network or internet-exposure finding on the workload";

    public static string Of(bool exposed, IReadOnlyList<string> ways, bool clusterCollected) => (exposed, ways.Count) switch
    {
        (true, > 0) => "yes — " + string.Join("; ", ways),
        (true, _) => clusterCollected ? FromFindings : NamespaceWide,
        _ => "no",
    };
}
