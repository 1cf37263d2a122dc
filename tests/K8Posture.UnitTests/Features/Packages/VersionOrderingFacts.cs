using K8Posture.Features.Packages;

namespace K8Posture.UnitTests.Features.Packages;

public sealed class VersionOrderingFacts
{
    [Theory]
    [InlineData("1.0-alpha", "1.0", -1)]
    [InlineData("1.0.0", "1", 0)]
    [InlineData("1.0-ga", "1", 0)]
    [InlineData("1.0-final", "1.0", 0)]
    [InlineData("1.0-SNAPSHOT", "1.0", -1)]
    [InlineData("1.0-rc1", "1.0-SNAPSHOT", -1)]
    [InlineData("1.0-cr1", "1.0-rc1", 0)]
    [InlineData("1.0a1", "1.0-alpha-1", 0)]
    [InlineData("1.0-alpha-1", "1.0-beta-1", -1)]
    [InlineData("1.0-milestone-1", "1.0-rc-1", -1)]
    [InlineData("1.0", "1.0-sp", -1)]
    [InlineData("1.0-sp", "1.0.1", -1)]
    [InlineData("2.14.1", "2.17.1", -1)]
    [InlineData("2.17.10", "2.17.9", 1)]
    [InlineData("1.0-1", "1.0.1", -1)]
    [InlineData("1.0-foo", "1.0-sp", 1)]
    public void Maven_orders_by_ComparableVersion(string left, string right, int expected)
    {
        Assert.Equal(expected, MavenVersion.Compare(left, right));
        Assert.Equal(-expected, MavenVersion.Compare(right, left));
    }

    [Theory]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~rc1", "1.0~rc2", -1)]
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0", "1.0+b1", -1)]
    [InlineData("1:0.9", "2.0", 1)]
    [InlineData("0:1.0", "1.0", 0)]
    [InlineData("1.0-1", "1.0-2", -1)]
    [InlineData("1.0-10", "1.0-9", 1)]
    [InlineData("2.0.5-1", "2.0.5-1+deb10u1", -1)]
    [InlineData("1.0a", "1.0+", -1)]
    [InlineData("1.01", "1.1", 0)]
    [InlineData("5.0-4", "5.0-4", 0)]
    public void Debian_orders_like_dpkg(string left, string right, int expected)
    {
        Assert.Equal(expected, DpkgVersion.Compare(left, right));
        Assert.Equal(-expected, DpkgVersion.Compare(right, left));
    }

    [Theory]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.0", "1.0.1", -1)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0^git1", "1.0", 1)]
    [InlineData("1.0^git1", "1.0.1", -1)]
    [InlineData("1.0a", "1.0.1", -1)]
    [InlineData("2.0", "10.0", -1)]
    [InlineData("1.010", "1.9", 1)]
    [InlineData("1:1.0.2k-16.el7", "1.0.2k-20.el7", 1)]
    [InlineData("1.0.2k-16.el7", "1.0.2k-16.el7_9", -1)]
    [InlineData("3.2.0-r18", "3.2.0-r20", -1)]
    [InlineData("1.0-1", "1.0", 0)]
    public void RPM_orders_like_rpmvercmp(string left, string right, int expected)
    {
        Assert.Equal(expected, RpmVersion.Compare(left, right));
        Assert.Equal(-expected, RpmVersion.Compare(right, left));
    }

    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0", -1)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11", -1)]
    [InlineData("1.0.0-rc.1", "1.0.0", -1)]
    [InlineData("v1.2.3", "1.2.3", 0)]
    [InlineData("1.2.3+build.5", "1.2.3", 0)]
    [InlineData("1.2", "1.2.0", 0)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("0.0.0-20210101000000-abcdef", "0.0.1", -1)]
    public void Semver_orders_by_precedence(string left, string right, int expected)
    {
        Assert.Equal(expected, SemverVersion.Compare(left, right));
        Assert.Equal(-expected, SemverVersion.Compare(right, left));
    }

    [Theory]
    [InlineData("maven", VersionScheme.Maven)]
    [InlineData("deb", VersionScheme.Debian)]
    [InlineData("rpm", VersionScheme.Rpm)]
    [InlineData("apk", VersionScheme.Rpm)]
    [InlineData("npm", VersionScheme.Semver)]
    [InlineData("golang", VersionScheme.Semver)]
    [InlineData("cargo", VersionScheme.Semver)]
    public void The_purl_type_chooses_the_ordering(string type, VersionScheme scheme)
    {
        Assert.Equal(scheme, VersionOrderings.ForPurlType(type));
    }
}
