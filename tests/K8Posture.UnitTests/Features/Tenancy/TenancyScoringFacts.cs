using K8Posture.Data;
using K8Posture.Features.Tenancy;

namespace K8Posture.UnitTests.Features.Tenancy;

public sealed class TenancyScoringFacts
{
    [Fact]
    public void A_public_internal_tool_of_one_team_belongs_on_the_standard_shared_cluster()
    {
        var result = TenancyScoring.Score(new TenancyAnswers { DataClasses = [DataClass.Public] });

        Assert.Equal(0, result.Score);
        Assert.Equal(TenancyModel.SharedStandard, result.Recommendation);
        Assert.Equal(7, result.Reasons.Count); // two co-tenant questions and one per other area
        Assert.Single(result.Decision);
    }

    [Fact]
    public void Points_are_the_documented_weights_and_each_answer_gives_its_reason()
    {
        var result = TenancyScoring.Score(new TenancyAnswers
        {
            DataClasses = [DataClass.Internal, DataClass.Hr],
            Regulations = [Regulation.Gdpr, Regulation.Sox],
            Autonomy = BusinessAutonomy.Federated,
            BlastRadius = BlastRadius.BusinessUnit,
            RuntimeNeeds = [RuntimeNeed.Gpu],
        });

        // HR 12 (highest class) + GDPR 4 + SOX 5 + federated 5 + business unit 5 + GPU 4.
        Assert.Equal(35, result.Score);
        Assert.Equal(TenancyModel.SharedHardIsolation, result.Recommendation);
        Assert.Equal(12, result.Reasons.Single(r => r.Question == "Data classification").Points);
        Assert.Equal(9, result.Reasons.Single(r => r.Question == "Legal and regulatory scope").Points);
        Assert.Contains("GPUs", result.Reasons.Single(r => r.Question == "Runtime needs").Answer, StringComparison.Ordinal);
        Assert.Equal(result.Score, result.Reasons.Sum(r => r.Points));
    }

    [Fact]
    public void Regulation_and_runtime_points_are_capped()
    {
        var result = TenancyScoring.Score(new TenancyAnswers
        {
            DataClasses = [DataClass.Public],
            Regulations = [.. Enum.GetValues<Regulation>()],
            RuntimeNeeds = [.. Enum.GetValues<RuntimeNeed>()],
        });

        Assert.Equal(TenancyScoring.RegulationCap, result.Reasons.Single(r => r.Question == "Legal and regulatory scope").Points);
        Assert.Equal(TenancyScoring.RuntimeCap, result.Reasons.Single(r => r.Question == "Runtime needs").Points);
        Assert.Equal(40, result.Score);
    }

    [Fact]
    public void A_high_score_recommends_a_dedicated_cluster_and_a_sooner_reassessment()
    {
        var answers = new TenancyAnswers
        {
            DataClasses = [DataClass.Health],
            Regulations = [Regulation.Hipaa, Regulation.Gdpr, Regulation.DataResidency],
            Autonomy = BusinessAutonomy.Autonomous,
            BlastRadius = BlastRadius.Enterprise,
        };

        var result = TenancyScoring.Score(answers);

        Assert.Equal(53, result.Score);
        Assert.Equal(TenancyModel.SingleTenant, result.Recommendation);
        Assert.Equal(6, TenancyScoring.ReassessMonths(result));
        Assert.Equal(12, TenancyScoring.ReassessMonths(TenancyScoring.Score(new TenancyAnswers { DataClasses = [DataClass.Hr], Regulations = [Regulation.Gdpr] })));
    }

    [Fact]
    public void A_risky_vendor_stack_next_to_sensitive_data_is_dedicated_whatever_the_score()
    {
        var result = TenancyScoring.Score(new TenancyAnswers { VendorProduct = "AgentX", VendorNeedsHighPrivileges = true, DataClasses = [DataClass.Finance] });

        Assert.Equal(27, result.Score);
        Assert.Equal(TenancyModel.SingleTenant, result.Recommendation);
        Assert.Contains(result.Decision, line => line.StartsWith("Raised to Dedicated cluster", StringComparison.Ordinal) && line.Contains("eggs in one basket", StringComparison.Ordinal));
        Assert.Contains("AgentX", result.Reasons[0].Answer, StringComparison.Ordinal);
        // Dedicated by a hard rule is re-assessed as soon as dedicated by score.
        Assert.Equal(6, TenancyScoring.ReassessMonths(result));
    }

    [Fact]
    public void The_same_risky_stack_with_public_data_is_not_forced_to_dedicated()
    {
        var result = TenancyScoring.Score(new TenancyAnswers { KnownInsecureStack = true, DataClasses = [DataClass.Public] });

        Assert.Equal(15, result.Score);
        Assert.Equal(TenancyModel.SharedStandard, result.Recommendation);
    }

    [Theory]
    [InlineData(RuntimeNeed.Privileged)]
    [InlineData(RuntimeNeed.HostAccess)]
    public void Privileged_or_host_access_needs_at_least_hard_isolation(RuntimeNeed need)
    {
        var result = TenancyScoring.Score(new TenancyAnswers { DataClasses = [DataClass.Public], RuntimeNeeds = [need] });

        Assert.Equal(10, result.Score);
        Assert.Equal(TenancyModel.SharedHardIsolation, result.Recommendation);
        Assert.Contains(result.Decision, line => line.Contains("own node pool", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Regulation.PciDss)]
    [InlineData(Regulation.Hipaa)]
    public void Pci_or_hipaa_needs_at_least_hard_isolation(Regulation regulation)
    {
        Assert.Equal(TenancyModel.SharedHardIsolation, TenancyScoring.Score(new TenancyAnswers { DataClasses = [DataClass.Public], Regulations = [regulation] }).Recommendation);
    }

    [Fact]
    public void A_floor_never_lowers_a_stronger_recommendation()
    {
        var result = TenancyScoring.Score(new TenancyAnswers
        {
            VendorNeedsHighPrivileges = true,
            DataClasses = [DataClass.Cardholder],
            Regulations = [Regulation.PciDss],
            RuntimeNeeds = [RuntimeNeed.Privileged],
        });

        Assert.Equal(TenancyModel.SingleTenant, result.Recommendation);
        Assert.Contains(result.Decision, line => line.StartsWith("Also required: Shared cluster with hard isolation", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TenancyModel.SingleTenant, TenancyModel.SharedHardIsolation, true)]
    [InlineData(TenancyModel.SingleTenant, TenancyModel.Unknown, true)]
    [InlineData(TenancyModel.SharedHardIsolation, TenancyModel.SharedHardIsolation, false)]
    [InlineData(TenancyModel.SharedStandard, TenancyModel.SingleTenant, false)]
    public void A_placement_is_a_mismatch_only_when_less_isolated_than_recommended(TenancyModel recommended, TenancyModel actual, bool mismatch)
    {
        Assert.Equal(mismatch, new ClusterPlacement(1, "c", actual, ["ns"]).IsWeakerThan(recommended));
    }

    [Fact]
    public void Answers_round_trip_through_json()
    {
        var answers = new TenancyAnswers { VendorProduct = "X", DataClasses = [DataClass.Pii], Regulations = [Regulation.DataResidency], ResidencyRegion = "EU", RuntimeNeeds = [RuntimeNeed.Gpu] };
        Assert.Equal(answers.ToJson(), TenancyAnswers.FromJson(answers.ToJson()).ToJson());
        Assert.Contains("\"DataResidency\"", answers.ToJson(), StringComparison.Ordinal);
    }
}
