using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;

namespace K8Posture.UnitTests.Features.Inventory;

public sealed class InventoryFormatDetectorFacts
{
    private readonly InventoryFormatDetector _detector = new(
        [new AksClusterListParser(), new EksClusterParser(), new GkeClusterListParser(), new NmapXmlParser(), new MdmDesktopCsvParser(), new EgressCsvParser()]);

    [Theory]
    [InlineData(InventoryFixtures.Aks, "aks-json")]
    [InlineData(InventoryFixtures.Eks, "eks-json")]
    [InlineData(InventoryFixtures.Gke, "gke-json")]
    [InlineData(InventoryFixtures.Nmap1Port, "nmap-xml")]
    [InlineData(InventoryFixtures.NmapMultiple, "nmap-xml")]
    [InlineData(InventoryFixtures.NmapVulners, "nmap-xml")]
    [InlineData(InventoryFixtures.NmapKubernetes, "nmap-xml")]
    [InlineData(InventoryFixtures.Mdm, "mdm-csv")]
    [InlineData(InventoryFixtures.Egress, "egress-csv")]
    public void Every_inventory_fixture_is_detected(string fixture, string format) =>
        Assert.Equal(format, _detector.Select(InventoryFixtures.Read(fixture), null).Format);

    [Theory]
    [InlineData("az-aks", "aks-json")]
    [InlineData("EKS", "eks-json")]
    [InlineData("gcloud-gke", "gke-json")]
    [InlineData("nmap", "nmap-xml")]
    [InlineData("desktops", "mdm-csv")]
    [InlineData("proxy-csv", "egress-csv")]
    public void Format_names_and_aliases_select_the_parser(string format, string expected) =>
        Assert.Equal(expected, _detector.Select("[]"u8, format).Format);

    [Fact]
    public void Unknown_format_is_415_and_unknown_content_400()
    {
        Assert.Equal(415, Assert.Throws<IngestRejectedException>(() => _detector.Select("{}"u8, "terraform")).StatusCode);
        var unknown = Assert.Throws<IngestRejectedException>(() => _detector.Select("{\"hello\":1}"u8, null));
        Assert.Equal(400, unknown.StatusCode);
        Assert.Contains("format=", unknown.Message);
    }
}
