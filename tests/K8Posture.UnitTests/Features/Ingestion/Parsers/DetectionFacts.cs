using K8Posture.Features.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

/// <summary>Every fixture is claimed by exactly one parser, whole and truncated, and the detector picks that one.</summary>
public sealed class DetectionFacts
{
    public static TheoryData<string, string> Expected()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in ParserFixtures.Sarif) { data.Add(path, SarifParser.FormatName); }
        foreach (var path in ParserFixtures.Grype) { data.Add(path, GrypeJsonParser.FormatName); }
        foreach (var path in ParserFixtures.KubeBench) { data.Add(path, KubeBenchParser.FormatName); }
        foreach (var path in ParserFixtures.Kubescape) { data.Add(path, KubescapeParser.FormatName); }
        foreach (var path in ParserFixtures.TrivyJson) { data.Add(path, TrivyJsonParser.FormatName); }
        foreach (var path in ParserFixtures.TrivyK8s) { data.Add(path, TrivyK8sParser.FormatName); }
        foreach (var path in ParserFixtures.TrivyOperator) { data.Add(path, TrivyOperatorParser.FormatName); }
        foreach (var path in ParserFixtures.PolicyReport) { data.Add(path, PolicyReportParser.FormatName); }
        foreach (var path in ParserFixtures.CycloneDx) { data.Add(path, CycloneDxParser.FormatName); }
        foreach (var path in ParserFixtures.Spdx) { data.Add(path, SpdxJsonParser.FormatName); }
        return data;
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Exactly_one_parser_accepts_each_fixture(string path, string format)
    {
        Assert.Equal([format], ParserFixtures.Accepting(ParserFixtures.Bytes(path)));
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Exactly_one_parser_accepts_the_first_4_KiB_of_each_fixture(string path, string format)
    {
        var bytes = ParserFixtures.Bytes(path);
        Assert.Equal([format], ParserFixtures.Accepting(bytes.AsSpan(0, Math.Min(4096, bytes.Length))));
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void The_detector_selects_the_parser_by_content_once_registered(string path, string format)
    {
        var services = new ServiceCollection();
        services.AddIngestion();
        using var provider = services.BuildServiceProvider();
        var detector = provider.GetRequiredService<ScanFormatDetector>();
        Assert.Equal(format, detector.Select(ParserFixtures.Bytes(path), null).Format);
    }

    [Theory]
    [InlineData("sarif-2.1.0", SarifParser.FormatName)]
    [InlineData("grype", GrypeJsonParser.FormatName)]
    [InlineData("kube-bench-json", KubeBenchParser.FormatName)]
    [InlineData("kubescape-json", KubescapeParser.FormatName)]
    [InlineData("trivy-kubernetes", TrivyK8sParser.FormatName)]
    [InlineData("trivy-operator", TrivyOperatorParser.FormatName)]
    [InlineData("clusterpolicyreport", PolicyReportParser.FormatName)]
    [InlineData("openreports", PolicyReportParser.FormatName)]
    public void Aliases_select_the_parser(string alias, string format)
    {
        var detector = new ScanFormatDetector(ParserFixtures.Parsers);
        Assert.Equal(format, detector.Select([], alias).Format);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[")]
    [InlineData("not json at all")]
    [InlineData("{\"runs\": [")]
    [InlineData("{\"version\": \"2.1.0\", \"ru")]
    [InlineData("[{\"id\":\"1\"}]")]
    [InlineData("{\"results\": [], \"resources\": []}")]
    [InlineData("{\"matches\": []}")]
    [InlineData("\"Controls\"")]
    [InlineData("apiVersion: v1\nkind: Pod\n")]
    [InlineData("apiVersion: aquasecurity.github.io/v1alpha1\nkind: ClusterComplianceReport\n")]
    [InlineData("apiVersion: wgpolicyk8s.io/v1alpha2\n")]
    [InlineData("kind: PolicyReport\n")]
    [InlineData("key: [unclosed\n  - : :")]
    [InlineData("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}]}")]
    [InlineData("\u00ff\u00fe")]
    public void Sniffs_never_throw_and_reject_what_is_not_theirs(string payload)
    {
        Assert.Empty(ParserFixtures.Accepting(ParserFixtures.Utf8(payload)));
    }
}
