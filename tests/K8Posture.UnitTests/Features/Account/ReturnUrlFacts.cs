using K8Posture.Features.Account;

namespace K8Posture.UnitTests.Features.Account;

public sealed class ReturnUrlFacts
{
    /// <summary>
    /// Known open-redirect bypasses, as the endpoint receives them (form and query values arrive already decoded).
    /// Each must fall back to the home page.
    /// </summary>
    public static TheoryData<string> Bypasses => new()
    {
        "https://evil.example/",
        "http:evil.example",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "\\/evil.example/",
        "/\t/evil.example",          // browsers drop the tab and read //evil.example
        "/\n/evil.example",
        "/\r/evil.example",
        "/\r\n/evil.example",
        "/\0/evil.example",
        "/\u007f/evil.example",
        "/\u0085/evil.example",      // C1 control (NEL)
        "/findings\r\nSet-Cookie: x=1", // header splitting
        "///evil.example",           // "/%2F%2Fevil.example" after decoding
        "/\\\t/evil.example",
        "~//evil.example",
        "~/\\evil.example",
        "~/\t/evil.example",
        " /findings",
        "\t//evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "findings",
    };

    [Theory]
    [MemberData(nameof(Bypasses))]
    public void A_known_bypass_falls_back_to_the_home_page(string requested) =>
        Assert.Equal("/", AccountEndpoints.SafeReturnUrl(requested));

    [Theory]
    [InlineData("/findings?severity=Critical", "/findings?severity=Critical")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    // Local by the framework's rule: the second character is neither '/' nor '\', and there is no control character.
    [InlineData("/ /evil.example", "/ /evil.example")]
    [InlineData("/%09/evil.example", "/%09/evil.example")]
    [InlineData("/%2F%2Fevil.example", "/%2F%2Fevil.example")]
    [InlineData("/findings/\\x", "/findings/\\x")]
    // An app-relative path (as Url.IsLocalUrl allows it) becomes a root-relative one.
    [InlineData("~/findings", "/findings")]
    [InlineData("~/", "/")]
    public void A_local_path_is_followed(string? requested, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(requested));
}
