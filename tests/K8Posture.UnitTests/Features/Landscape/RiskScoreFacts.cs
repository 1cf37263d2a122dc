using K8Posture.Features.Landscape;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class RiskScoreFacts
{
    [Fact]
    public void FollowsTheDocumentedFormula() =>
        // 10·2 + 5·3 + 2·4 + 0.5·6 + 15·1 + 8·2 + 20·1
        Assert.Equal(20 + 15 + 8 + 3 + 15 + 16 + 20, RiskScore.Compute(new RiskInputs(2, 3, 4, 6, 1, 2, 1)));

    [Fact]
    public void NothingOpenScoresZero() => Assert.Equal(0, RiskScore.Compute(new RiskInputs(0, 0, 0, 0, 0, 0, 0)));

    [Fact]
    public void AnExposedPrivilegedWorkloadOutranksAFewMoreMediumFindings()
    {
        var exposedPrivileged = RiskScore.Compute(new RiskInputs(0, 1, 0, 0, Exposed: 1, Privileged: 1, 0));
        var manyMedium = RiskScore.Compute(new RiskInputs(0, 0, 10, 0, 0, 0, 0));

        Assert.True(exposedPrivileged > manyMedium);
    }

    [Fact]
    public void ARuntimeAlertWeighsMoreThanACriticalFinding() =>
        Assert.True(RiskScore.Compute(new RiskInputs(0, 0, 0, 0, 0, 0, 1)) > RiskScore.Compute(new RiskInputs(1, 0, 0, 0, 0, 0, 0)));

    [Fact]
    public void TheFormulaShownOnThePageNamesEveryWeight()
    {
        foreach (var weight in new[] { "10", "5", "2", "0.5", "15", "8", "20" })
        {
            Assert.Contains(weight, RiskScore.Formula, StringComparison.Ordinal);
        }
    }
}
