using K8Posture.Features.Account;

namespace K8Posture.UnitTests.Features.Account;

public sealed class ReturnUrlFacts
{
    [Theory]
    [InlineData("/findings?severity=Critical", "/findings?severity=Critical")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public void OnlyLocalPathsAreFollowedAfterSignIn(string? requested, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(requested));
}
