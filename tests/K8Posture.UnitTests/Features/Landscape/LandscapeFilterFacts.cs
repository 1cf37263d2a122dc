using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;

namespace K8Posture.UnitTests.Features.Landscape;

public sealed class LandscapeFilterFacts
{
    [Fact]
    public void Every_filter_survives_the_round_trip_through_the_url()
    {
        var filter = new LandscapeFilter("Finance", "Payments & Co", "prod-aks-weu", "production", FindingCategory.Vulnerability, FindingSeverity.Critical, 30);

        var query = filter.ToQueryString();

        Assert.Equal(filter, LandscapeFilter.FromQuery(query));
        Assert.Contains("team=Payments%20%26%20Co", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_left_out_of_the_url() => Assert.Equal("", new LandscapeFilter().ToQueryString());

    [Theory]
    [InlineData("?range=13", 90)]
    [InlineData("?range=30d", 30)]
    [InlineData("?range=abc", 90)]
    [InlineData("?range=365", 365)]
    public void Only_the_offered_ranges_are_accepted(string query, int expectedDays) =>
        Assert.Equal(expectedDays, LandscapeFilter.FromQuery(query).RangeDays);

    [Fact]
    public void Malformed_enum_values_mean_any()
    {
        var filter = LandscapeFilter.FromQuery("?category=Nope&severity=42&team=%20");

        Assert.Null(filter.Category);
        Assert.Null(filter.Severity);
        Assert.Null(filter.Team);
    }

    [Fact]
    public void The_findings_link_carries_the_organisational_filters_and_the_clicked_point()
    {
        var filter = new LandscapeFilter(Team: "Payments", Environment: "production", RangeDays: 30);

        var link = filter.FindingsLink(FindingCategory.Vulnerability, FindingSeverity.High, ("owasp", "K01"));

        var criteria = FindingsQueryString.FromQuery(link[link.IndexOf('?', StringComparison.Ordinal)..]);
        Assert.Equal(FindingCategory.Vulnerability, criteria.Category);
        Assert.Equal(FindingSeverity.High, criteria.Severity);
        Assert.Equal("Payments", criteria.Team);
        Assert.Equal("production", criteria.Environment);
        Assert.Equal("K01", criteria.Owasp);
        Assert.Equal(FindingStatus.Open, criteria.Status);
    }

    [Fact]
    public void Findings_criteria_round_trip_including_sort()
    {
        var criteria = new FindingsCriteria(FindingCategory.KubernetesMisconfiguration, null, null, "openssl", FindingSortField.LastSeen, false,
            "HR", "Payroll", "hr-aks-neu", "production", "payroll", "K02", "docker.io", "CVE-2024-1");

        var url = FindingsQueryString.ToPageUrl(criteria);

        Assert.Equal(criteria, FindingsQueryString.FromQuery(url[url.IndexOf('?', StringComparison.Ordinal)..]));
    }
}
