using K8Posture.Features.Landscape;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class RiskScoreFacts
{
    [Fact]
    public void Follows_the_documented_formula() =>
        // 10·2 + 5·3 + 2·4 + 0.5·6 + 15·1 + 8·2 + 20·1
        Assert.Equal(20 + 15 + 8 + 3 + 15 + 16 + 20, RiskScore.Compute(new RiskInputs(2, 3, 4, 6, 1, 2, 1)));

    [Fact]
    public void Nothing_open_scores_zero() => Assert.Equal(0, RiskScore.Compute(new RiskInputs(0, 0, 0, 0, 0, 0, 0)));

    [Fact]
    public void An_exposed_privileged_workload_outranks_a_few_more_medium_findings()
    {
        var exposedPrivileged = RiskScore.Compute(new RiskInputs(0, 1, 0, 0, Exposed: 1, Privileged: 1, 0));
        var manyMedium = RiskScore.Compute(new RiskInputs(0, 0, 10, 0, 0, 0, 0));

        Assert.True(exposedPrivileged > manyMedium);
    }

    [Fact]
    public void A_runtime_alert_weighs_more_than_a_critical_finding() =>
        Assert.True(RiskScore.Compute(new RiskInputs(0, 0, 0, 0, 0, 0, 1)) > RiskScore.Compute(new RiskInputs(1, 0, 0, 0, 0, 0, 0)));

    [Fact]
    public void The_formula_shown_on_the_page_names_every_weight()
    {
        foreach (var weight in new[] { "10", "5", "2", "0.5", "15", "8", "20" })
        {
            Assert.Contains(weight, RiskScore.Formula, StringComparison.Ordinal);
        }
    }
}
