using K8Posture.Features.Findings;
using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class SavedViewQueryFacts
{
    [Fact]
    public void The_named_parameter_follows_a_rename_and_the_rest_is_kept_as_it_was()
    {
        var renamed = SavedViewQuery.Rename("severity=High&team=Card%20Payments&cluster=prod", "team", "card payments", "Payments & Cards");
        Assert.Equal("severity=High&team=Payments%20%26%20Cards&cluster=prod", renamed);
        Assert.Equal("Payments & Cards", FindingsQueryString.FromQuery(renamed).Team);
    }

    [Theory]
    [InlineData("severity=High&team=Ledger")]
    [InlineData("severity=High&bu=Payments")]
    [InlineData("q=team%3DPayments")]
    [InlineData("")]
    public void A_query_that_does_not_name_the_old_value_in_that_parameter_is_left_alone(string query) =>
        Assert.Null(SavedViewQuery.Rename(query, "team", "Payments", "Storefront"));

    [Fact]
    public void A_plus_for_a_space_is_read_as_a_space() =>
        Assert.Equal("team=Card%20Cards", SavedViewQuery.Rename("team=Card+Payments", "team", "Card Payments", "Card Cards"));
}
