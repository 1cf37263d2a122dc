using K8Posture.Features.Ingestion;
using K8Posture.Features.Inventory.Parsing;

namespace K8Posture.UnitTests.Features.Inventory;

public sealed class CsvInventoryParserFacts
{
    private readonly MdmDesktopCsvParser _mdm = new();
    private readonly EgressCsvParser _egress = new();

    [Fact]
    public void Mdm_sample_has_nine_container_engines_and_ignores_other_software()
    {
        var result = _mdm.Parse(InventoryFixtures.Read(InventoryFixtures.Mdm));

        Assert.Equal(11, result.Examined);
        Assert.Equal(9, result.Desktops.Count);
        Assert.Equal(2, result.Ignored);
        Assert.Equal(6, result.Desktops.Count(d => d.Product == "Docker Desktop"));
        var first = result.Desktops[0];
        Assert.Equal((2, "LT-PAY-0142", "anna.berg@example.com", "4.36.0", "Payments", "Finance"), (first.Row, first.Hostname, first.User, first.Version, first.Team, first.BusinessUnit));
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T08:14:00Z", System.Globalization.CultureInfo.InvariantCulture), first.LastSeen);
        Assert.Null(result.Desktops.Single(d => d.Hostname == "LT-UNK-0456").Team);
    }

    [Fact]
    public void Egress_sample_keeps_registry_and_helm_pulls_only()
    {
        var result = _egress.Parse(InventoryFixtures.Read(InventoryFixtures.Egress));

        Assert.Equal(22, result.Examined);
        Assert.Equal(20, result.Egress.Count);
        Assert.Equal(2, result.Ignored);
        Assert.Equal(14, result.Egress.Count(e => e.Registry == RegistryHosts.DockerHub));
        var helm = result.Egress.Where(e => e.Registry == "helm").Select(e => e.DestinationHost).ToArray();
        Assert.Equal(["charts.bitnami.com", "prometheus-community.github.io"], helm);
        Assert.Equal(["quay", "ghcr", "ecr-public", "gcr"], result.Egress.Select(e => e.Registry).Where(r => r is not RegistryHosts.DockerHub and not "helm").ToArray());
    }

    [Theory]
    [InlineData("registry-1.docker.io", "docker-hub")]
    [InlineData("index.docker.io", "docker-hub")]
    [InlineData("docker.io", "docker-hub")]
    [InlineData("production.cloudflare.docker.com", "docker-hub")]
    [InlineData("ghcr.io", "ghcr")]
    [InlineData("quay.io", "quay")]
    [InlineData("gcr.io", "gcr")]
    [InlineData("eu.gcr.io", "gcr")]
    [InlineData("public.ecr.aws", "ecr-public")]
    [InlineData("charts.bitnami.com", "helm")]
    [InlineData("artifacthub.io", "helm")]
    [InlineData("grafana.github.io", "helm")]
    public void Registry_hosts_are_flagged(string host, string registry) => Assert.Equal(registry, RegistryHosts.Classify(host));

    [Theory]
    [InlineData("notdocker.io")]
    [InlineData("github.com")]
    [InlineData("myregistry.azurecr.io")]
    public void Other_hosts_are_not(string host) => Assert.Null(RegistryHosts.Classify(host));

    [Fact]
    public void A_helm_index_on_any_host_is_helm() =>
        Assert.Equal("helm", RegistryHosts.Classify("charts.example.org", "https://charts.example.org/stable/index.yaml"));

    [Fact]
    public void A_bad_time_names_its_row_and_column()
    {
        const string csv = "hostname,user,product,version,last_seen\nLT-1,a,Docker Desktop,4.36.0,2026-11-20T08:14:00Z\nLT-2,b,Docker Desktop,4.36.0,yesterday\n";
        var error = Assert.Throws<ScanParseException>(() => _mdm.Parse(InventoryFixtures.Bytes(csv)));

        Assert.Equal("row 3, column 5 (last_seen)", error.Pointer);
        Assert.Contains("'yesterday'", error.Message);
    }

    [Fact]
    public void A_missing_required_column_is_named_with_the_columns_found()
    {
        const string csv = "hostname,user,product,last_seen\nLT-1,a,Docker Desktop,2026-11-20\n";
        var error = Assert.Throws<ScanParseException>(() => _mdm.Parse(InventoryFixtures.Bytes(csv)));

        Assert.Equal("row 1", error.Pointer);
        Assert.Contains("'version'", error.Message);
        Assert.Contains("hostname, user, product, last_seen", error.Message);
    }

    [Fact]
    public void An_empty_required_value_names_its_row_and_column()
    {
        const string csv = "time,source_host,user,team,destination_host,bytes\n2026-11-20T08:20:11Z,,anna,Payments,registry-1.docker.io,10\n";
        var error = Assert.Throws<ScanParseException>(() => _egress.Parse(InventoryFixtures.Bytes(csv)));

        Assert.Equal("row 2, column 2 (source_host)", error.Pointer);
    }

    [Fact]
    public void Bytes_that_are_not_a_number_name_their_row_and_column()
    {
        const string csv = "time,source_host,user,team,destination_host,bytes\n2026-11-20T08:20:11Z,h1,anna,Payments,registry-1.docker.io,10\n2026-11-20T08:20:12Z,h1,anna,Payments,registry-1.docker.io,12kb\n";
        var error = Assert.Throws<ScanParseException>(() => _egress.Parse(InventoryFixtures.Bytes(csv)));

        Assert.Equal("row 3, column 6 (bytes)", error.Pointer);
    }

    [Fact]
    public void Too_many_fields_and_unclosed_quotes_are_located()
    {
        var extra = Assert.Throws<ScanParseException>(() => _mdm.Parse(InventoryFixtures.Bytes("hostname,user,product,version,last_seen\nLT-1,a,Docker Desktop,4.36.0,2026-11-20,extra\n")));
        Assert.Equal("row 2, column 6", extra.Pointer);

        var unclosed = Assert.Throws<ScanParseException>(() => _mdm.Parse(InventoryFixtures.Bytes("hostname,user,product,version,last_seen\nLT-1,\"a,Docker Desktop,4.36.0,2026-11-20\n")));
        Assert.Equal("line 2", unclosed.Pointer);
    }

    [Fact]
    public void Quoted_fields_semicolons_and_urls_are_read()
    {
        const string csv = "Time;Source Host;User;Team;Destination;Bytes\r\n2026-11-20T08:20:11Z;h1;\"Berg; Anna\";Payments;https://registry-1.docker.io/v2/library/nginx/manifests/latest;10\r\n";
        var pull = Assert.Single(_egress.Parse(InventoryFixtures.Bytes(csv)).Egress);

        Assert.Equal(("h1", "Berg; Anna", "registry-1.docker.io", 10L), (pull.SourceHost, pull.User, pull.DestinationHost, pull.Bytes));
    }
}
