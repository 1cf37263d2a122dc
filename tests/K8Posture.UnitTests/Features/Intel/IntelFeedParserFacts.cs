using System.IO.Compression;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Intel;

namespace K8Posture.UnitTests.Features.Intel;

public sealed class KevCatalogParserFacts
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "kev", name));

    [Fact]
    public void The_full_catalog_parses_every_entry_with_its_dates_and_ransomware_use()
    {
        var bytes = Fixture("cisa-kev-catalog-2025.01.24.json");
        using var expected = JsonDocument.Parse(bytes);
        var entries = expected.RootElement.GetProperty("vulnerabilities").EnumerateArray().ToList();

        var catalog = KevCatalogParser.Parse(bytes);

        Assert.Equal("2025.01.24", catalog.CatalogVersion);
        Assert.Equal(new DateOnly(2025, 1, 24), catalog.DateReleased);
        Assert.Equal(entries.Count, catalog.Entries.Count);
        Assert.Equal(entries.Count(e => e.GetProperty("knownRansomwareCampaignUse").GetString() == "Known"), catalog.Entries.Count(e => e.KnownRansomware));
        var first = entries[0];
        var parsed = catalog.Entries.Single(e => e.CveId == first.GetProperty("cveID").GetString());
        Assert.Equal(DateOnly.Parse(first.GetProperty("dateAdded").GetString()!, System.Globalization.CultureInfo.InvariantCulture), parsed.DateAdded);
        Assert.Equal(DateOnly.Parse(first.GetProperty("dueDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture), parsed.DueDate);
    }

    [Fact]
    public void A_subset_whose_count_disagrees_still_parses_and_trailing_spaces_are_trimmed()
    {
        var catalog = KevCatalogParser.Parse(Fixture("vunnel-kev-catalog-2025.02.19-subset.json"));

        Assert.Equal(["CVE-2025-0108", "CVE-2024-53704", "CVE-2024-57727"], catalog.Entries.Select(e => e.CveId));
        Assert.Equal("SimpleHelp", catalog.Entries[2].VendorProject);
    }

    [Fact]
    public void Blank_text_is_null_and_long_text_is_cut_to_its_column()
    {
        var json = $$"""
            {"catalogVersion":"{{new string('v', 150)}}","vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10",
              "vendorProject":"   ","product":"{{new string('p', 400)}}","vulnerabilityName":"","requiredAction":" Patch. "}]}
            """;

        var catalog = KevCatalogParser.Parse(Encoding.UTF8.GetBytes(json));

        var entry = Assert.Single(catalog.Entries);
        Assert.Null(entry.VendorProject);
        Assert.Null(entry.VulnerabilityName);
        Assert.Equal(new string('p', 300), entry.Product);
        Assert.Equal("Patch.", entry.RequiredAction);
        Assert.Equal(new string('v', 100), catalog.CatalogVersion);
    }

    [Theory]
    [InlineData("""{"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"},{"cveID":"CVE-2021-45046","dateAdded":"10/12/2021"}]}""", "/vulnerabilities/1/dateAdded")]
    [InlineData("""{"vulnerabilities":[{"cveID":"log4shell","dateAdded":"2021-12-10"}]}""", "/vulnerabilities/0/cveID")]
    [InlineData("""{"vulnerabilities":[{"dateAdded":"2021-12-10"}]}""", "/vulnerabilities/0/cveID")]
    [InlineData("""{"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10","knownRansomwareCampaignUse":"Maybe"}]}""", "/vulnerabilities/0/knownRansomwareCampaignUse")]
    [InlineData("""{"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"},{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"}]}""", "/vulnerabilities/1/cveID")]
    [InlineData("""{"title":"no list"}""", "/vulnerabilities")]
    public void Bad_input_names_its_json_pointer(string json, string pointer)
    {
        var refusal = Assert.Throws<IngestRejectedException>(() => KevCatalogParser.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(pointer, refusal.Pointer);
    }

    [Fact]
    public void Not_json_names_the_line()
    {
        var refusal = Assert.Throws<IngestRejectedException>(() => KevCatalogParser.Parse(Encoding.UTF8.GetBytes("{\n  \"vulnerabilities\": [\n  oops")));
        Assert.StartsWith("line 3", refusal.Pointer);
    }
}

public sealed class EpssCsvParserFacts
{
    private static byte[] Fixture() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "epss", "vunnel-epss-scores-2025-02-20-head.csv"));

    [Fact]
    public void The_real_file_gives_its_model_version_score_date_and_rows()
    {
        var bytes = Fixture();
        var rows = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(',')).ToList();

        var feed = EpssCsvParser.Parse(bytes);

        Assert.Equal("v2023.03.01", feed.ModelVersion);
        Assert.Equal(new DateOnly(2025, 2, 20), feed.ScoreDate);
        Assert.Equal(rows.Count, feed.Scores.Count);
        foreach (var (row, score) in rows.Zip(feed.Scores))
        {
            Assert.Equal(row[0], score.CveId);
            Assert.Equal(double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), score.Score);
            Assert.Equal(double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture), score.Percentile);
        }
    }

    [Fact]
    public void The_gzipped_file_as_first_publishes_it_parses_the_same()
    {
        var bytes = Fixture();
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        var feed = EpssCsvParser.Parse(packed.ToArray());

        Assert.Equal(EpssCsvParser.Parse(bytes).Scores.Select(s => (s.CveId, s.Score, s.Percentile)), feed.Scores.Select(s => (s.CveId, s.Score, s.Percentile)));
    }

    [Theory]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.1,0.5\nCVE-1999-0002,high,0.5\n", "line 4, field epss")]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.1,1.5\n", "line 3, field percentile")]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\nXYZ-1,0.1,0.5\n", "line 3, field cve")]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.1,0.5\nCVE-1999-0001,0.1,0.5\n", "line 4, field cve")]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.1\n", "line 3")]
    [InlineData("cve,epss,percentile\nCVE-1999-0001,0.1,0.5\n", "line 1, field score_date")]
    [InlineData("#model_version:v1,score_date:yesterday\ncve,epss,percentile\n", "line 1, field score_date")]
    [InlineData("#model_version:v1,score_date:2025-02-20T00:00:00+0000\nid,score\n", "line 2")]
    public void Bad_input_names_its_line_and_field(string csv, string pointer)
    {
        var refusal = Assert.Throws<IngestRejectedException>(() => EpssCsvParser.Parse(Encoding.UTF8.GetBytes(csv)));
        Assert.Equal(pointer, refusal.Pointer);
    }
}

public sealed class VulnerabilityAliasesFacts
{
    [Theory]
    [InlineData("CVE-2021-44228", null, null, "CVE-2021-44228")]
    [InlineData("cve-2021-44228", null, null, "CVE-2021-44228")]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "https://nvd.nist.gov/vuln/detail/CVE-2021-44228", "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228")]
    [InlineData("GHSA-jfh8-c2jp-5v3q", null, "https://a/CVE-2021-44228\nhttps://b/CVE-2021-44228", "CVE-2021-44228")]
    [InlineData("GHSA-7rjr-3q55-vv33", null, "https://a/CVE-2021-45046\nhttps://b/CVE-2021-44228", null)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", null, null, null)]
    [InlineData(null, "https://nvd.nist.gov/vuln/detail/CVE-2021-44228", null, null)]
    [InlineData("DLA-1234-1", null, "https://x/CVE-2021-442281", "CVE-2021-442281")]
    public void The_lookup_cve_is_the_id_or_the_one_cve_its_advisory_names(string? id, string? primaryUrl, string? references, string? expected) =>
        Assert.Equal(expected, VulnerabilityAliases.CveFor(id, primaryUrl, references));
}
