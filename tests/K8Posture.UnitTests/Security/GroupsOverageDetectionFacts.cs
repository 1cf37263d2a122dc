using System.Security.Claims;
using K8Posture.Security;

namespace K8Posture.UnitTests.Security;

public sealed class GroupsOverageDetectionFacts
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void Claim_names_that_name_groups_mean_overage()
    {
        Assert.True(Principal(("_claim_names", """{"groups":"src1"}"""), ("_claim_sources", """{"src1":{"endpoint":"https://graph.windows.net/x"}}""")).HasGroupsOverage());
    }

    [Fact]
    public void Hasgroups_of_the_implicit_flow_means_overage()
    {
        Assert.True(Principal(("hasgroups", "true")).HasGroupsOverage());
        Assert.False(Principal(("hasgroups", "false")).HasGroupsOverage());
    }

    [Fact]
    public void Groups_in_the_token_or_claim_names_for_something_else_are_no_overage()
    {
        Assert.False(Principal(("groups", "g1"), ("_claim_names", """{"groups":"src1"}""")).HasGroupsOverage());
        Assert.False(Principal(("_claim_names", """{"roles":"src1"}""")).HasGroupsOverage());
        Assert.False(Principal(("_claim_names", "not json")).HasGroupsOverage());
        Assert.False(Principal(("name", "Someone")).HasGroupsOverage());
    }

    [Fact]
    public void The_object_id_is_read_in_either_spelling()
    {
        Assert.Equal("a", Principal(("oid", "a")).ObjectId());
        Assert.Equal("b", Principal((EntraTokenClaims.ObjectIdLong, "b")).ObjectId());
    }
}
