using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion;

public sealed class ScanFormatDetectorFacts
{
    private readonly ScanFormatDetector _detector = new([new TrivyJsonParser()]);

    [Theory]
    [InlineData("ubuntu-1804.json.golden")]
    [InlineData("alpine-310.json.golden")]
    [InlineData("secrets.json.golden")]
    [InlineData("helm_testchart.json.golden")]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json")]
    public void Trivy_reports_are_detected_by_content(string fixture)
    {
        Assert.Equal(TrivyJsonParser.FormatName, _detector.Select(TrivyFixtures.Read(fixture), null).Format);
    }

    [Fact]
    public void A_truncated_trivy_report_is_still_detected_so_the_parser_can_say_where_it_broke()
    {
        var full = TrivyFixtures.Read("ubuntu-1804.json.golden");

        Assert.Equal(TrivyJsonParser.FormatName, _detector.Select(full.AsSpan(0, 400), null).Format);
    }

    [Fact]
    public void A_utf8_bom_does_not_hide_the_format()
    {
        byte[] payload = [0xEF, 0xBB, 0xBF, .. TrivyFixtures.Read("alpine-310.json.golden")];

        Assert.Equal(TrivyJsonParser.FormatName, _detector.Select(payload, null).Format);
    }

    [Theory]
    [InlineData("""{"matches":[],"source":{"type":"image"},"descriptor":{"name":"grype"}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""not json at all""")]
    [InlineData("""{"SchemaVersion":2}""")]
    public void Other_content_is_rejected_naming_the_supported_formats(string payload)
    {
        var error = Assert.Throws<IngestRejectedException>(() => _detector.Select(System.Text.Encoding.UTF8.GetBytes(payload), null));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains(TrivyJsonParser.FormatName, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("trivy-json")]
    [InlineData("TRIVY")]
    public void Format_parameter_overrides_detection(string format)
    {
        Assert.Equal(TrivyJsonParser.FormatName, _detector.Select("garbage"u8, format).Format);
    }

    [Fact]
    public void An_unknown_format_name_is_refused_with_415_naming_the_supported_ones()
    {
        var error = Assert.Throws<IngestRejectedException>(() => _detector.Select("{}"u8, "grype-json"));

        Assert.Equal(415, error.StatusCode);
        Assert.Contains("format=grype-json", error.Message, StringComparison.Ordinal);
        Assert.Contains(TrivyJsonParser.FormatName, error.Message, StringComparison.Ordinal);
    }
}
