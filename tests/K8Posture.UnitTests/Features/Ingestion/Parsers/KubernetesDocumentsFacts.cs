using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

public sealed class KubernetesDocumentsFacts
{
    private static KubernetesDocuments Parse(string text) => KubernetesDocuments.Parse(ParserFixtures.Utf8(text), "test");

    [Fact]
    public void Yaml_scalars_are_typed_by_the_core_schema_and_numbers_keep_their_text()
    {
        using var documents = Parse("""
            kind: Thing
            count: 3
            ratio: 0.5
            tag: 1.10
            version: 0.72.0
            quoted: "42"
            yes: yes
            flag: true
            off: False
            nothing: ~
            empty:
            octal: 0755
            list: [a, 2, null]
            """);

        var root = documents.Objects.Single().Element;
        Assert.Equal(JsonValueKind.Number, root.GetProperty("count").ValueKind);
        Assert.Equal(0.5, root.GetProperty("ratio").GetDouble());
        Assert.Equal("1.10", root.String("tag"));
        Assert.Equal(JsonValueKind.String, root.GetProperty("version").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("quoted").ValueKind);
        Assert.Equal("yes", root.GetProperty("yes").GetString());
        Assert.Equal(JsonValueKind.True, root.GetProperty("flag").ValueKind);
        Assert.Equal(JsonValueKind.False, root.GetProperty("off").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nothing").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("empty").ValueKind);
        Assert.Equal("0755", root.GetProperty("octal").GetString());
        Assert.Equal(["String", "Number", "Null"], root.GetProperty("list").EnumerateArray().Select(e => e.ValueKind.ToString()));
    }

    [Fact]
    public void Documents_and_lists_are_flattened_with_pointers()
    {
        using var documents = Parse("""
            apiVersion: v1
            kind: List
            items:
            - { kind: A, metadata: { name: a } }
            - kind: B
            ---
            kind: C
            anchors: &x { k: v }
            copy: *x
            ---
            apiVersion: x/v1
            kind: ThingList
            items: [ { kind: D } ]
            ---
            """);

        Assert.Equal(["A", "B", "C", "D"], documents.Objects.Select(o => o.Kind!));
        Assert.Equal(["/0/items/0", "/0/items/1", "/1", "/2/items/0"], documents.Objects.Select(o => o.Pointer));
        Assert.Equal("v", documents.Objects[2].Element.GetProperty("copy").String("k"));
    }

    [Fact]
    public void Json_is_read_as_json_and_a_single_object_has_an_empty_pointer()
    {
        using var documents = KubernetesDocuments.Parse(ParserFixtures.Bytes("trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json"), "test");

        var only = Assert.Single(documents.Objects);
        Assert.Equal(("", "VulnerabilityReport"), (only.Pointer, only.Kind));
    }

    [Theory]
    [InlineData("kind: A\n  bad: indentation\n")]
    [InlineData("items: [ a, b\n")]
    [InlineData("a: \"unterminated\n")]
    [InlineData("{ \"kind\": \"A\", ")]
    public void Malformed_input_reports_line_and_position(string text)
    {
        var ex = Assert.Throws<ScanParseException>(() => Parse(text));

        Assert.Matches(@"^line \d+, position \d+$", ex.Pointer);
    }

    [Fact]
    public void An_alias_bomb_is_refused_instead_of_expanded()
    {
        // Nine levels of ten aliases each would expand to 10^9 scalars.
        var yaml = new System.Text.StringBuilder("kind: List\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            var previous = $"*a{level - 1}";
            yaml.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat(previous, 10))}]\n");
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var ex = Assert.Throws<ScanParseException>(() => Parse(yaml.ToString()));

        Assert.Contains("aliases", ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"^line \d+, position \d+$", ex.Pointer);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {watch.Elapsed}");
    }

    [Fact]
    public void Modest_alias_use_still_parses()
    {
        var docs = Parse("kind: Pod\nmetadata: &meta {name: a, labels: {team: payments}}\nspec:\n  template:\n    metadata: *meta\n");
        Assert.Single(docs.Objects);
    }

    [Theory]
    [InlineData("")]
    [InlineData("---\n")]
    public void An_empty_payload_is_an_error(string text)
    {
        var ex = Assert.Throws<ScanParseException>(() => Parse(text));

        Assert.Equal("line 1, position 1", ex.Pointer);
    }

    [Theory]
    [InlineData("apiVersion: a/v1\nkind: K\n", "a/v1", "K")]
    [InlineData("kind: List\napiVersion: v1\nitems:\n- apiVersion: b/v1\n  kind: Item\n", "b/v1", "Item")]
    [InlineData("{\"apiVersion\": \"v1\", \"items\": [ {\"metadata\": {\"x\": [1]}, \"kind\": \"Item\", \"apiVersion\": \"c/v1\"", "c/v1", "Item")]
    [InlineData("{\"kind\": \"K\", \"apiVersion\": \"d/v1\"}", "d/v1", "K")]
    [InlineData("apiVersion: e/v1\nkind: K\nspec: [ unterminated", "e/v1", "K")]
    [InlineData("not: [ valid", null, null)]
    [InlineData("\"just a string\"", null, null)]
    public void Sniffing_reads_the_first_objects_identity_and_never_throws(string text, string? apiVersion, string? kind)
    {
        Assert.Equal((apiVersion, kind), KubernetesDocuments.Sniff(ParserFixtures.Utf8(text)));
    }

    [Fact]
    public void Sniffing_works_on_the_first_4_KiB_of_every_kubernetes_fixture()
    {
        foreach (var path in ParserFixtures.TrivyOperator.Concat(ParserFixtures.PolicyReport))
        {
            var bytes = ParserFixtures.Bytes(path);
            var (apiVersion, kind) = KubernetesDocuments.Sniff(bytes.AsSpan(0, Math.Min(4096, bytes.Length)));
            var first = ParserFixtures.KubernetesObjects(path)[0];
            Assert.Equal((first.Scalar("apiVersion"), first.Scalar("kind")), (apiVersion, kind));
        }
    }
}
