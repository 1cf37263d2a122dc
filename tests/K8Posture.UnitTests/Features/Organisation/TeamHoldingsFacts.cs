using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class TeamHoldingsFacts
{
    [Fact]
    public void Nothing_held_describes_as_empty_and_is_not_any()
    {
        var none = new TeamHoldings(0, 0, 0, 0, 0, 0, 0);
        Assert.False(none.Any);
        Assert.Equal("", none.Describe());
    }

    [Fact]
    public void Only_what_is_held_is_named_in_order_with_singular_and_plural()
    {
        var holdings = new TeamHoldings(Findings: 12, Namespaces: 3, Clusters: 1, Applications: 0, ApiKeys: 1, PipelineIdentities: 2, TenancyAssessments: 0);
        Assert.True(holdings.Any);
        Assert.Equal("12 findings, 3 namespaces, 1 cluster, 1 pipeline key, 2 pipeline identities", holdings.Describe());
    }

    [Theory]
    [InlineData(1, 0, 0, 0, 0, 0, 0, "1 finding")]
    [InlineData(0, 1, 0, 0, 0, 0, 0, "1 namespace")]
    [InlineData(0, 0, 2, 0, 0, 0, 0, "2 clusters")]
    [InlineData(0, 0, 0, 1, 0, 0, 0, "1 application")]
    [InlineData(0, 0, 0, 0, 3, 0, 0, "3 pipeline keys")]
    [InlineData(0, 0, 0, 0, 0, 1, 0, "1 pipeline identity")]
    [InlineData(0, 0, 0, 0, 0, 0, 4, "4 tenancy assessments")]
    public void Each_kind_alone_makes_the_team_hold_something(int findings, int namespaces, int clusters, int applications, int keys, int identities, int assessments, string expected)
    {
        var holdings = new TeamHoldings(findings, namespaces, clusters, applications, keys, identities, assessments);
        Assert.True(holdings.Any);
        Assert.Equal(expected, holdings.Describe());
    }
}
