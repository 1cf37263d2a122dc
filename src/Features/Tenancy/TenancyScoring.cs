using K8Posture.Shared.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;

namespace K8Posture.Features.Tenancy;

public enum DataClass { Public, Internal, Confidential, Pii, Hr, Finance, Cardholder, Health }

public enum Regulation { Gdpr, PciDss, Hipaa, Sox, DataResidency }

/// <summary>How far the owning business runs its own IT (the guide: some operating models "resist centralised services").</summary>
public enum BusinessAutonomy { Central, Federated, Autonomous }

/// <summary>Who is hurt when the application or its cluster is breached or down.</summary>
public enum BlastRadius { Team, BusinessUnit, Enterprise }

public enum RuntimeNeed { Privileged, HostAccess, Gpu, ClusterWideOperator }

/// <summary>The wizard's answers. Every field is one question; the scoring explains each.</summary>
public sealed class TenancyAnswers
{

    /// <summary>Name of the vendor product, if the application is or includes one.</summary>
    public string? VendorProduct { get; set; }
    /// <summary>The vendor product needs high privileges (cluster-admin, privileged pods) for the automation it performs.</summary>
    public bool VendorNeedsHighPrivileges { get; set; }
    /// <summary>The stack is known to be insecure (end-of-life runtime, unpatchable vendor image, many open criticals).</summary>
    public bool KnownInsecureStack { get; set; }
    public List<DataClass> DataClasses { get; set; } = [DataClass.Internal];
    public List<Regulation> Regulations { get; set; } = [];
    /// <summary>Where data must stay, when data residency applies (e.g. "EU").</summary>
    public string? ResidencyRegion { get; set; }
    public BusinessAutonomy Autonomy { get; set; } = BusinessAutonomy.Central;
    public BlastRadius BlastRadius { get; set; } = BlastRadius.Team;
    public List<RuntimeNeed> RuntimeNeeds { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, HttpJson.Options);

    public static TenancyAnswers FromJson(string json) => JsonSerializer.Deserialize<TenancyAnswers>(json, HttpJson.Options) ?? new TenancyAnswers();

    public TenancyAnswers Clone() => FromJson(ToJson());
}

/// <summary>One answer's part of the score, with why it matters.</summary>
public sealed record ScoreReason(string Question, string Answer, int Points, string Why);

public sealed record TenancyResult(int Score, TenancyModel Recommendation, IReadOnlyList<ScoreReason> Reasons, IReadOnlyList<string> Decision);

/// <summary>
/// Transparent, documented scoring (the page shows these tables). Points per answer add up (each area capped); the total
/// picks the model, and a few hard rules set a floor the total cannot talk away — the study guide's "do not mix riskier
/// application stacks with your HR, Finance or Marketing systems".
/// </summary>
public static class TenancyScoring
{
    public const int DedicatedThreshold = 50;
    public const int HardIsolationThreshold = 25;
    public const int RegulationCap = 20;
    public const int RuntimeCap = 20;
    public const int VendorHighPrivilegePoints = 15;
    public const int KnownInsecureStackPoints = 15;

    public static readonly IReadOnlyDictionary<DataClass, int> DataClassPoints = new Dictionary<DataClass, int>
    {
        [DataClass.Public] = 0,
        [DataClass.Internal] = 3,
        [DataClass.Confidential] = 6,
        [DataClass.Pii] = 10,
        [DataClass.Hr] = 12,
        [DataClass.Finance] = 12,
        [DataClass.Cardholder] = 15,
        [DataClass.Health] = 15,
    };

    public static readonly IReadOnlyDictionary<Regulation, int> RegulationPoints = new Dictionary<Regulation, int>
    {
        [Regulation.Gdpr] = 4,
        [Regulation.PciDss] = 8,
        [Regulation.Hipaa] = 8,
        [Regulation.Sox] = 5,
        [Regulation.DataResidency] = 6,
    };

    public static readonly IReadOnlyDictionary<BusinessAutonomy, int> AutonomyPoints = new Dictionary<BusinessAutonomy, int>
    {
        [BusinessAutonomy.Central] = 0,
        [BusinessAutonomy.Federated] = 5,
        [BusinessAutonomy.Autonomous] = 10,
    };

    public static readonly IReadOnlyDictionary<BlastRadius, int> BlastRadiusPoints = new Dictionary<BlastRadius, int>
    {
        [BlastRadius.Team] = 0,
        [BlastRadius.BusinessUnit] = 5,
        [BlastRadius.Enterprise] = 10,
    };

    public static readonly IReadOnlyDictionary<RuntimeNeed, int> RuntimePoints = new Dictionary<RuntimeNeed, int>
    {
        [RuntimeNeed.Privileged] = 10,
        [RuntimeNeed.HostAccess] = 10,
        [RuntimeNeed.Gpu] = 4,
        [RuntimeNeed.ClusterWideOperator] = 6,
    };

    /// <summary>Data whose owners the guide names as the ones not to mix with risky stacks.</summary>
    public static readonly IReadOnlySet<DataClass> SensitiveData = new HashSet<DataClass> { DataClass.Pii, DataClass.Hr, DataClass.Finance, DataClass.Cardholder, DataClass.Health };

    public static readonly IReadOnlyList<string> HardRules =
    [
        "A vendor product that needs high privileges, or a known-insecure stack, together with PII, HR, Finance, cardholder or health data → dedicated cluster.",
        "Privileged containers or host access → at least a shared cluster with hard isolation (own node pool), so an escape reaches only the application's own nodes.",
        "PCI DSS or HIPAA in scope → at least hard isolation (segmentation keeps the rest of the cluster out of audit scope).",
    ];

    public static TenancyResult Score(TenancyAnswers answers)
    {
        var reasons = new List<ScoreReason>();

        reasons.Add(answers.VendorNeedsHighPrivileges
            ? new ScoreReason("Co-tenant risk", $"{VendorName(answers)} needs high privileges", VendorHighPrivilegePoints, "Automation with cluster-wide or privileged rights can reach every co-tenant.")
            : new ScoreReason("Co-tenant risk", "No vendor product needing high privileges", 0, "Nothing here needs more rights than an ordinary workload."));
        reasons.Add(answers.KnownInsecureStack
            ? new ScoreReason("Co-tenant risk", "Known-insecure stack", KnownInsecureStackPoints, "A stack that cannot be patched is the likeliest way in; it should not share a basket with others.")
            : new ScoreReason("Co-tenant risk", "No known-insecure stack", 0, "The stack can be kept patched."));

        var dataClasses = answers.DataClasses.Count == 0 ? [DataClass.Public] : answers.DataClasses.Distinct().ToList();
        var highestData = dataClasses.MaxBy(d => DataClassPoints[d]);
        reasons.Add(new ScoreReason("Data classification", string.Join(", ", dataClasses.Select(Label)), DataClassPoints[highestData],
            highestData == DataClass.Public ? "Only public data." : $"The most sensitive class ({Label(highestData)}) counts."));

        var regulations = answers.Regulations.Distinct().ToList();
        var regulationPoints = Math.Min(RegulationCap, regulations.Sum(r => RegulationPoints[r]));
        reasons.Add(new ScoreReason("Legal and regulatory scope",
            regulations.Count == 0 ? "None" : string.Join(", ", regulations.Select(r => r == Regulation.DataResidency && !string.IsNullOrWhiteSpace(answers.ResidencyRegion) ? $"{Label(r)} ({answers.ResidencyRegion!.Trim()})" : Label(r))),
            regulationPoints,
            regulations.Count == 0 ? "No regulation widens the audit scope." : $"Each regulation adds its points (capped at {RegulationCap}); co-tenants of a regulated application come into its audit scope."));

        reasons.Add(new ScoreReason("Business autonomy", Label(answers.Autonomy), AutonomyPoints[answers.Autonomy], answers.Autonomy switch
        {
            BusinessAutonomy.Central => "The business uses the central platform and its standards.",
            BusinessAutonomy.Federated => "The business runs some of its own tooling; shared standards need negotiating.",
            _ => "The business resists centralised services; a shared cluster's standards would be contested.",
        }));

        reasons.Add(new ScoreReason("Blast radius", Label(answers.BlastRadius), BlastRadiusPoints[answers.BlastRadius], answers.BlastRadius switch
        {
            BlastRadius.Team => "A breach or outage stays with one team.",
            BlastRadius.BusinessUnit => "A breach or outage hits a whole business unit.",
            _ => "A breach or outage hits the enterprise or its customers.",
        }));

        var needs = answers.RuntimeNeeds.Distinct().ToList();
        reasons.Add(new ScoreReason("Runtime needs", needs.Count == 0 ? "None beyond the restricted profile" : string.Join(", ", needs.Select(Label)),
            Math.Min(RuntimeCap, needs.Sum(n => RuntimePoints[n])),
            needs.Count == 0 ? "Runs under Pod Security Standards restricted." : $"Each need weakens the node boundary (capped at {RuntimeCap})."));

        var score = reasons.Sum(r => r.Points);
        var byScore = score >= DedicatedThreshold ? TenancyModel.SingleTenant : score >= HardIsolationThreshold ? TenancyModel.SharedHardIsolation : TenancyModel.SharedStandard;
        var decision = new List<string>
        {
            $"Score {score}: {(byScore switch
            {
                TenancyModel.SingleTenant => $"at least {DedicatedThreshold}",
                TenancyModel.SharedHardIsolation => $"{HardIsolationThreshold}–{DedicatedThreshold - 1}",
                _ => $"below {HardIsolationThreshold}",
            })} → {Label(byScore)}.",
        };

        var recommendation = byScore;
        if ((answers.VendorNeedsHighPrivileges || answers.KnownInsecureStack) && dataClasses.Any(SensitiveData.Contains))
        {
            recommendation = Stronger(recommendation, TenancyModel.SingleTenant, decision,
                "a risky stack (high-privilege vendor product or known-insecure stack) holds sensitive data: eggs in one basket");
        }
        if (needs.Contains(RuntimeNeed.Privileged) || needs.Contains(RuntimeNeed.HostAccess))
        {
            recommendation = Stronger(recommendation, TenancyModel.SharedHardIsolation, decision, "privileged containers or host access need their own node pool");
        }
        if (regulations.Contains(Regulation.PciDss) || regulations.Contains(Regulation.Hipaa))
        {
            recommendation = Stronger(recommendation, TenancyModel.SharedHardIsolation, decision, "PCI DSS or HIPAA scope needs segmentation");
        }
        return new TenancyResult(score, recommendation, reasons, decision);
    }

    private static TenancyModel Stronger(TenancyModel current, TenancyModel floor, List<string> decision, string why)
    {
        if (IsolationLevel(floor) > IsolationLevel(current))
        {
            decision.Add($"Raised to {Label(floor)}: {why}.");
            return floor;
        }
        decision.Add($"Also required: {Label(floor)} or stronger ({why}).");
        return current;
    }

    /// <summary>Higher is more isolated; Unknown is below everything (nobody can show it is isolated).</summary>
    public static int IsolationLevel(TenancyModel model) => model switch
    {
        TenancyModel.SingleTenant => 3,
        TenancyModel.SharedHardIsolation => 2,
        TenancyModel.SharedStandard => 1,
        _ => 0,
    };

    /// <summary>Months until the next assessment: sooner when the risk already calls for a dedicated cluster (by score or hard rule).</summary>
    public static int ReassessMonths(TenancyResult result) => result.Score >= DedicatedThreshold || result.Recommendation == TenancyModel.SingleTenant ? 6 : 12;

    private static string VendorName(TenancyAnswers answers) =>
        string.IsNullOrWhiteSpace(answers.VendorProduct) ? "A vendor product" : answers.VendorProduct.Trim();

    public static string Label(TenancyModel model) => model switch
    {
        TenancyModel.SingleTenant => "Dedicated cluster",
        TenancyModel.SharedHardIsolation => "Shared cluster with hard isolation",
        TenancyModel.SharedStandard => "Shared cluster (standard)",
        _ => "Unknown",
    };

    public static string Detail(TenancyModel model) => model switch
    {
        TenancyModel.SingleTenant => "A cluster of its own (own control plane, nodes, identities and network boundary).",
        TenancyModel.SharedHardIsolation => "A shared cluster with its own node pool (taints/tolerations), Pod Security Standards restricted, default-deny network policies and its own identities.",
        TenancyModel.SharedStandard => "A namespace on a shared cluster with the platform's standard controls (PSS baseline, quotas, network policy).",
        _ => "Not known.",
    };

    public static string Label(DataClass value) => value switch
    {
        DataClass.Pii => "PII",
        DataClass.Hr => "HR",
        DataClass.Cardholder => "Cardholder data",
        DataClass.Health => "Health data",
        _ => value.ToString(),
    };

    public static string Label(Regulation value) => value switch
    {
        Regulation.Gdpr => "GDPR",
        Regulation.PciDss => "PCI DSS",
        Regulation.Hipaa => "HIPAA",
        Regulation.Sox => "SOX",
        _ => "Data residency",
    };

    public static string Label(BusinessAutonomy value) => value switch
    {
        BusinessAutonomy.Central => "Central (uses the shared platform)",
        BusinessAutonomy.Federated => "Federated",
        _ => "Autonomous (runs its own IT)",
    };

    public static string Label(BlastRadius value) => value switch
    {
        BlastRadius.Team => "One team",
        BlastRadius.BusinessUnit => "A business unit",
        _ => "Enterprise or customers",
    };

    public static string Label(RuntimeNeed value) => value switch
    {
        RuntimeNeed.Privileged => "Privileged containers",
        RuntimeNeed.HostAccess => "Host access (hostPath, hostNetwork, hostPID)",
        RuntimeNeed.Gpu => "GPUs",
        _ => "Cluster-wide operator / CRDs",
    };
}
