using K8Posture.Features.Packages;
using K8Posture.Shared;
using K8Posture.Shared.Http;

namespace K8Posture.UnitTests.Features.Packages;

public sealed class VersionRangeFacts
{
    private static VersionRange Range(string text, VersionScheme scheme = VersionScheme.Maven) =>
        VersionRange.Parse(text, scheme, out var error) ?? throw new InvalidOperationException(error);

    [Theory]
    [InlineData("<2.17.1", "2.14.1", true)]
    [InlineData("<2.17.1", "2.17.1", false)]
    [InlineData("<2.17.1", "2.17.1-rc1", true)]
    [InlineData(">=2.0.0 <2.17.1", "2.0-beta9", false)]
    [InlineData(">=2.0.0 <2.17.1", "2.0", true)]
    [InlineData(">=2.0.0, <2.15.0", "2.15.0", false)]
    [InlineData("<2.0 || >=2.17.1", "1.2.17", true)]
    [InlineData("<2.0 || >=2.17.1", "2.16.0", false)]
    [InlineData("2.14.1", "2.14.1.0", true)]
    [InlineData("!=2.14.1", "2.14.1", false)]
    [InlineData("*", "anything", true)]
    [InlineData("", "1", true)]
    public void Comparator_ranges_judge_by_the_scheme(string range, string version, bool expected)
    {
        Assert.Equal(expected, Range(range).Contains(version));
    }

    [Theory]
    [InlineData("vers:maven/>=2.0.0|<2.17.1", "2.16.0", true)]
    [InlineData("vers:maven/>=2.0.0|<2.17.1", "1.2.17", false)]
    [InlineData("vers:maven/>=2.0.0|<2.17.1", "2.17.1", false)]
    [InlineData("vers:maven/<1.0|>=2.0|<2.5|>3.0", "0.9", true)]
    [InlineData("vers:maven/<1.0|>=2.0|<2.5|>3.0", "1.5", false)]
    [InlineData("vers:maven/<1.0|>=2.0|<2.5|>3.0", "2.4", true)]
    [InlineData("vers:maven/<1.0|>=2.0|<2.5|>3.0", "3.1", true)]
    [InlineData("vers:deb/>=1.0~rc1|<1.0", "1.0~rc2", true)]
    [InlineData("vers:deb/1.0|1.1", "1.1", true)]
    [InlineData("vers:npm/!=1.0.0", "1.0.1", true)]
    [InlineData("vers:npm/*", "0.0.1", true)]
    public void Vers_ranges_follow_the_purl_spec_algorithm(string range, string version, bool expected)
    {
        Assert.Equal(expected, Range(range, VersionScheme.Semver).Contains(version));
    }

    [Fact]
    public void A_vers_scheme_overrides_the_purl_types_ordering()
    {
        Assert.Equal(VersionScheme.Debian, Range("vers:deb/<1.0", VersionScheme.Semver).Scheme);
    }

    [Theory]
    [InlineData(">=")]
    [InlineData("vers:maven")]
    [InlineData("vers:cobol/<1")]
    [InlineData("vers:maven/>=1.0||<2")]
    [InlineData("<1 ||")]
    public void A_bad_range_is_an_error(string range)
    {
        Assert.Null(VersionRange.Parse(range, VersionScheme.Maven, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_bad_purl_or_range_is_a_problem_naming_the_parameter()
    {
        Assert.Equal("purl", Assert.Throws<ProblemException>(() => PackageQuestion.Parse("maven/log4j", null)).Field);
        Assert.Equal("purl", Assert.Throws<ProblemException>(() => PackageQuestion.Parse("pkg:maven", null)).Field);
        Assert.Equal("versionRange", Assert.Throws<ProblemException>(() => PackageQuestion.Parse("pkg:maven/a/b", "<<1")).Field);
    }

    [Fact]
    public void A_purl_is_split_into_type_namespace_name_version_and_qualifiers()
    {
        Assert.True(PackageUrl.TryParse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", out var log4j));
        Assert.Equal(("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1"), (log4j.Type, log4j.Namespace, log4j.Name, log4j.Version));
        Assert.Equal("jar", log4j.Qualifiers["type"]);
        Assert.True(PackageUrl.TryParse("pkg:NPM/%40Babel/Core@7.0.0", out var babel));
        Assert.Equal("pkg:npm/@babel/core", babel.PackageKey);
        Assert.True(PackageUrl.TryParse("pkg:k8s/k8s.io%2Fkubelet@1.27.4", out var kubelet));
        Assert.Equal((null, "k8s.io/kubelet"), (kubelet.Namespace, kubelet.Name));
        Assert.True(PackageUrl.TryParse("pkg:golang/github.com/gorilla/mux@v1.8.0", out var mux));
        Assert.Equal(("github.com/gorilla", "mux"), (mux.Namespace, mux.Name));
    }
}
