using K8Posture.Data;
using K8Posture.Features.Intel;

namespace K8Posture.UnitTests.Features.Intel;

public sealed class FindingPriorityFacts
{
    private static PriorityInputs Nothing(FindingSeverity severity = FindingSeverity.Medium) =>
        new(severity, KnownExploited: false, Epss: null, InProduction: false, Exposed: false, Privileged: false, RecentRuntimeAlert: false, FixAvailable: false);

    [Fact]
    public void Every_input_at_its_maximum_is_one_hundred()
    {
        var all = new PriorityInputs(FindingSeverity.Critical, true, 0.97, true, true, true, true, true);

        Assert.Equal(100, FindingPriority.Max);
        Assert.Equal(FindingPriority.Max, FindingPriority.Compute(all));
        Assert.All(FindingPriority.Terms(all), t => Assert.Equal(t.MaxPoints, t.Points));
    }

    [Theory]
    [InlineData(FindingSeverity.Critical, 30)]
    [InlineData(FindingSeverity.High, 22)]
    [InlineData(FindingSeverity.Medium, 14)]
    [InlineData(FindingSeverity.Low, 6)]
    [InlineData(FindingSeverity.Info, 0)]
    [InlineData(FindingSeverity.Unknown, 0)]
    public void Severity_alone_gives_its_documented_points(FindingSeverity severity, int points) =>
        Assert.Equal(points, FindingPriority.Compute(Nothing(severity)));

    [Theory]
    [InlineData(null, 0)]
    [InlineData(0.0099, 0)]
    [InlineData(0.01, 5)]
    [InlineData(0.0999, 5)]
    [InlineData(0.1, 10)]
    [InlineData(0.4999, 10)]
    [InlineData(0.5, 15)]
    [InlineData(1.0, 15)]
    public void Epss_bands_are_inclusive_at_their_lower_bound(double? epss, int points) =>
        Assert.Equal(points, FindingPriority.EpssPoints(epss));

    [Fact]
    public void A_known_exploited_medium_in_an_exposed_production_workload_outranks_an_unreachable_critical()
    {
        var exploited = Nothing(FindingSeverity.Medium) with { KnownExploited = true, InProduction = true, Exposed = true };
        var critical = Nothing(FindingSeverity.Critical) with { FixAvailable = true };

        Assert.Equal(14 + 25 + 8 + 8, FindingPriority.Compute(exploited));
        Assert.Equal(30 + 4, FindingPriority.Compute(critical));
        Assert.True(FindingPriority.Compute(exploited) > FindingPriority.Compute(critical));
    }

    [Fact]
    public void The_stored_columns_are_the_inputs_and_the_feeds_epss_wins_over_the_scanners()
    {
        var finding = new Finding
        {
            Fingerprint = "f", ContentHash = "c", Source = "trivy", ScopeKey = "s", Title = "t", Severity = FindingSeverity.High,
            Epss = 0.02, EpssFeedScore = 0.6, KevDateAdded = new DateOnly(2021, 12, 10), FixedVersion = "2.17.1", RecentRuntimeAlert = true,
        };

        var inputs = PriorityInputs.Of(finding);

        Assert.Equal(0.6, inputs.Epss);
        Assert.Equal(22 + 25 + 15 + 6 + 4, FindingPriority.Compute(inputs));
        Assert.Equal(8, FindingPriority.Terms(inputs).Count);
    }
}
