using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.UnitTests.Features.Ingestion;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

/// <summary>The item-by-item reader must give exactly what the whole-document reader gives, or step aside for it.</summary>
public sealed class TrivyItemByItemFacts
{
    private static string Json(ScanParseResult result) => JsonSerializer.Serialize(result);

    [Theory]
    [InlineData("ubuntu-1804.json.golden")]
    [InlineData("alpine-310.json.golden")]
    [InlineData("debian-buster.json.golden")]
    [InlineData("helm_testchart.json.golden")]
    [InlineData("secrets.json.golden")]
    [InlineData("trivy-0.72.0-alpine-3.10-image.json")]
    public void Reports_as_Trivy_writes_them_are_read_item_by_item_with_the_same_result(string fixture)
    {
        var payload = TrivyFixtures.Read(fixture);

        var itemByItem = TrivyJsonParser.ParseItemByItem(payload);
        var deferred = TrivyJsonParser.ParseItemByItem(payload, deferFindingsFromBytes: 0);

        Assert.NotNull(itemByItem);
        Assert.NotEmpty(itemByItem.Findings);
        Assert.IsNotAssignableFrom<IFindingNamespaces>(itemByItem.Findings);
        Assert.IsAssignableFrom<IFindingNamespaces>(deferred!.Findings);
        Assert.Equal(Json(TrivyJsonParser.ParseWhole(payload)), Json(itemByItem));
        Assert.Equal(Json(TrivyJsonParser.ParseWhole(payload)), Json(deferred));
    }

    [Fact]
    public void Findings_read_item_by_item_stay_in_the_payload_and_each_read_gives_an_equal_new_finding()
    {
        // A trivy k8s style target ("namespace/Kind/name") gives the result's misconfigurations a namespace.
        var node = JsonNode.Parse(TrivyFixtures.Read("helm_testchart.json.golden"))!;
        node["Results"]![0]!["Target"] = "payments/Deployment/web";
        var payload = Encoding.UTF8.GetBytes(node.ToJsonString());

        var findings = TrivyJsonParser.ParseItemByItem(payload, deferFindingsFromBytes: 0)!.Findings;
        var whole = TrivyJsonParser.ParseWhole(payload).Findings;

        var namespaces = Assert.IsAssignableFrom<IFindingNamespaces>(findings);
        Assert.Equal(whole.Count, findings.Count);
        for (var i = 0; i < whole.Count; i++)
        {
            var first = findings[i];
            var second = findings[i];
            Assert.NotSame(first, second);
            Assert.Equal(JsonSerializer.Serialize(whole[i]), JsonSerializer.Serialize(first));
            Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(second));
            Assert.Equal(whole[i].NamespaceName, namespaces.NamespaceAt(i));
        }
        Assert.All(whole, f => Assert.Equal("payments", f.NamespaceName));
    }

    [Fact]
    public void A_report_with_its_artifact_after_the_results_is_read_whole_with_the_same_result()
    {
        var node = JsonNode.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden"))!.AsObject();
        var results = node["Results"]!.DeepClone();
        node.Remove("Results");
        var reordered = new JsonObject { ["Results"] = results };
        foreach (var (name, value) in node)
        {
            reordered[name] = value?.DeepClone();
        }
        var payload = Encoding.UTF8.GetBytes(reordered.ToJsonString());

        Assert.Null(TrivyJsonParser.ParseItemByItem(payload));
        var parsed = new TrivyJsonParser().Parse(payload);
        Assert.Equal(Json(TrivyJsonParser.ParseWhole(TrivyFixtures.Read("ubuntu-1804.json.golden"))), Json(parsed));
    }

    [Fact]
    public void A_bad_vulnerability_late_in_the_report_is_named_where_it_is()
    {
        var node = JsonNode.Parse(TrivyFixtures.Read("ubuntu-1804.json.golden"))!;
        var vulnerabilities = node["Results"]![0]!["Vulnerabilities"]!.AsArray();
        var last = vulnerabilities.Count - 1;
        vulnerabilities[last]!.AsObject().Remove("VulnerabilityID");

        var error = Assert.Throws<ScanParseException>(() => new TrivyJsonParser().Parse(Encoding.UTF8.GetBytes(node.ToJsonString())));

        Assert.Equal($"/Results/0/Vulnerabilities/{last}/VulnerabilityID", error.Pointer);
    }
}
