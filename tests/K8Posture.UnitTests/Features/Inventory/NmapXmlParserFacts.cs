using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;

namespace K8Posture.UnitTests.Features.Inventory;

public sealed class NmapXmlParserFacts
{
    private readonly NmapXmlParser _parser = new();

    [Theory]
    [InlineData(InventoryFixtures.Nmap1Port, 1)] // 127.0.0.1: postgresql 5432 only
    [InlineData(InventoryFixtures.NmapMultiple, 1)] // 13 mail/web/db ports, none Kubernetes
    [InlineData(InventoryFixtures.NmapVulners, 1)] // ssh on 5022
    public void Real_nmap_reports_are_read_and_have_no_kubernetes_ports(string fixture, int hosts)
    {
        var payload = InventoryFixtures.Read(fixture);

        Assert.True(_parser.CanParse(payload));
        var result = _parser.Parse(payload);
        Assert.Equal(hosts, result.Examined);
        Assert.Empty(result.Endpoints);
        Assert.Equal(hosts, result.Ignored);
    }

    [Fact]
    public void Hosts_with_open_kubernetes_ports_become_endpoints_and_closed_or_filtered_ports_do_not_count()
    {
        var result = _parser.Parse(InventoryFixtures.Read(InventoryFixtures.NmapKubernetes));

        Assert.Equal(5, result.Examined);
        Assert.Equal(["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.14"], result.Endpoints.Select(e => e.Address));
        var k3s = result.Endpoints[0];
        Assert.Equal([6443, 10250, 31080], k3s.Ports.Select(p => p.Port));
        Assert.Equal("lab-k3s-01.dc2.example.com", Assert.Single(k3s.Hostnames));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795766460), k3s.SeenAt);
        Assert.Equal([10255], result.Endpoints[2].Ports.Select(p => p.Port)); // 8443 was filtered
        Assert.Equal([6443, 22623], result.Endpoints[3].Ports.Select(p => p.Port)); // 9345 was closed
    }

    [Theory]
    [InlineData(6443, true)]
    [InlineData(8443, false)]
    [InlineData(10250, true)]
    [InlineData(10255, true)]
    [InlineData(10256, true)]
    [InlineData(2379, true)]
    [InlineData(2380, true)]
    [InlineData(22623, true)]
    [InlineData(9345, true)]
    [InlineData(30000, false)]
    [InlineData(32767, false)]
    [InlineData(2376, false)]
    public void Kubernetes_ports_are_classified_with_their_strength(int port, bool strong)
    {
        var hit = KubernetesPorts.Classify(port, "tcp", null);

        Assert.NotNull(hit);
        Assert.Equal(strong, hit.Strong);
    }

    [Theory]
    [InlineData(22)]
    [InlineData(443)]
    [InlineData(5432)]
    [InlineData(29999)]
    [InlineData(32768)]
    public void Other_ports_say_nothing(int port) => Assert.Null(KubernetesPorts.Classify(port, "tcp", null));

    [Fact]
    public void Udp_is_not_classified() => Assert.Null(KubernetesPorts.Classify(6443, "udp", null));

    [Fact]
    public void External_entities_are_never_resolved()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xxe = $"""
                <?xml version="1.0"?>
                <!DOCTYPE nmaprun [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
                <nmaprun><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="&xxe;"/></hostnames>
                <ports><port protocol="tcp" portid="6443"><state state="open"/></port></ports></host></nmaprun>
                """;
            var error = Assert.Throws<ScanParseException>(() => _parser.Parse(InventoryFixtures.Bytes(xxe)));
            Assert.DoesNotContain("TOP-SECRET", error.Message);
            Assert.StartsWith("line 3", error.Pointer);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Entity_expansion_bombs_are_refused()
    {
        const string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE nmaprun [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
            <nmaprun><host><hostnames><hostname name="&b;"/></hostnames></host></nmaprun>
            """;
        Assert.Throws<ScanParseException>(() => _parser.Parse(InventoryFixtures.Bytes(bomb)));
    }

    [Fact]
    public void Truncated_xml_names_the_line()
    {
        var text = InventoryFixtures.Text(InventoryFixtures.NmapKubernetes);
        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(InventoryFixtures.Bytes(text[..(text.Length / 2)])));

        Assert.StartsWith("line ", error.Pointer);
    }

    [Fact]
    public void Xml_that_is_not_nmap_is_refused()
    {
        var error = Assert.Throws<ScanParseException>(() => _parser.Parse(InventoryFixtures.Bytes("<report><host/></report>")));
        Assert.Contains("<nmaprun>", error.Message);
    }
}
