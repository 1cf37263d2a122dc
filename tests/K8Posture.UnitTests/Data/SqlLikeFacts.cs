using K8Posture.Data;

namespace K8Posture.UnitTests.Data;

public sealed class SqlLikeFacts
{
    [Fact]
    public void A_search_text_becomes_a_contains_pattern_with_every_wildcard_escaped()
    {
        Assert.Equal(@"%50\% off\_now \[beta] C:\\tmp%", SqlLike.Containing(@"50% off_now [beta] C:\tmp"));
    }

    [Fact]
    public void Plain_text_is_only_wrapped()
    {
        Assert.Equal("%nginx%", SqlLike.Containing("nginx"));
    }
}
