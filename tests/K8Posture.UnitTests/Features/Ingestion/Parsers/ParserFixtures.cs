using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;

namespace K8Posture.UnitTests.Features.Ingestion.Parsers;

/// <summary>Fixture access shared by the parser facts (files under tests/fixtures, copied to the output directory).</summary>
internal static class ParserFixtures
{
    public static readonly string[] Sarif = ["trivy/alpine-310.sarif.golden"];

    public static readonly string[] Grype =
    [
        "grype/defectdojo-grype-0.28.0-debian10.json",
        "grype/defectdojo-grype-0.94.0-busybox-epss.json",
        "grype/grype-0.61.1-chainguard-ruby.json",
        "grype/grype-0.66.0-keycloak-21.0.2.json",
    ];

    public static readonly string[] KubeBench =
    [
        "kube-bench/kube-bench-cis-1.5-minikube-trimmed.json",
        "kube-bench/kube-bench-cis-1.5-passed-controls-trimmed.json",
        "kube-bench/kube-bench-cis-1.6-kind-full.json",
    ];

    public static readonly string[] Kubescape =
    [
        "kubescape/defectdojo-kubescape-many-findings.json",
        "kubescape/defectdojo-kubescape-results-all-passed.json",
    ];

    public static readonly string[] TrivyJson =
    [
        "trivy/alpine-310.json.golden",
        "trivy/helm_testchart.json.golden",
        "trivy/secrets.json.golden",
        "trivy/trivy-0.72.0-alpine-3.10-image.json",
        "trivy/ubuntu-1804.json.golden",
    ];

    public static IEnumerable<string> All => Sarif.Concat(Grype).Concat(KubeBench).Concat(Kubescape).Concat(TrivyJson);

    public static byte[] Bytes(string relativePath) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath));

    public static JsonDocument Json(string relativePath) => JsonDocument.Parse(Bytes(relativePath));

    public static TheoryData<string> Data(IEnumerable<string> paths)
    {
        var data = new TheoryData<string>();
        foreach (var path in paths)
        {
            data.Add(path);
        }
        return data;
    }

    public static IScanParser[] Parsers => [new SarifParser(), new GrypeJsonParser(), new KubeBenchParser(), new KubescapeParser(), new TrivyJsonParser()];

    /// <summary>The parsers whose CanParse accepts the payload.</summary>
    public static string[] Accepting(ReadOnlySpan<byte> payload)
    {
        var accepted = new List<string>();
        foreach (var parser in Parsers)
        {
            if (parser.CanParse(payload))
            {
                accepted.Add(parser.Format);
            }
        }
        return [.. accepted];
    }

    /// <summary>The payload cut in the middle, as an interrupted upload would leave it.</summary>
    public static byte[] Truncated(string relativePath)
    {
        var bytes = Bytes(relativePath);
        return bytes[..(bytes.Length / 2)];
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string? Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];
}
