using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using YamlDotNet.RepresentationModel;

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

    public static readonly string[] TrivyK8s =
    [
        "trivy/defectdojo-trivy-k8s-eks-cluster.json",
        "trivy/trivy-k8s-cluster-minikube-docs.json",
    ];

    public static readonly string[] TrivyOperator =
    [
        "trivy-operator/configauditreport-nginx-docs.yaml",
        "trivy-operator/defectdojo-configauditreport-nginx.json",
        "trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json",
        "trivy-operator/rbacassessmentreport-role-docs.yaml",
        "trivy-operator/vulnerabilityreport-nginx-docs.yaml",
    ];

    public static readonly string[] PolicyReport =
    [
        "policyreport/openreports-image-scanner-list.json",
        "policyreport/trivy-adapter-policyreport-zipkin.yaml",
        "kyverno/kyverno-clusterpolicyreport-namespace-properties.yaml",
        "kyverno/kyverno-policyreport-kube-apiserver-docs.yaml",
        "kyverno/kyverno-policyreport-v1beta1-sample.yaml",
    ];

    public static readonly string[] CycloneDx =
    [
        "cyclonedx/trivy-image-centos-7-sbom.cdx.json",
        "cyclonedx/trivy-image-fluentd-multiple-lockfiles-vulns.cdx.json",
        "cyclonedx/trivy-k8s-kbom-minikube.cdx.json",
    ];

    public static readonly string[] Spdx = ["spdx/trivy-0.58.0-image-alpine-3.15.spdx.json"];

    public static IEnumerable<string> All => Sarif.Concat(Grype).Concat(KubeBench).Concat(Kubescape).Concat(TrivyJson)
        .Concat(TrivyK8s).Concat(TrivyOperator).Concat(PolicyReport).Concat(CycloneDx).Concat(Spdx);

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

    public static IScanParser[] Parsers =>
    [
        new SarifParser(), new GrypeJsonParser(), new KubeBenchParser(), new KubescapeParser(), new TrivyJsonParser(),
        new TrivyK8sParser(), new TrivyOperatorParser(), new PolicyReportParser(), new CycloneDxParser(), new SpdxJsonParser(),
    ];

    /// <summary>
    /// The Kubernetes objects of a JSON or YAML fixture, read with YamlDotNet's representation model (JSON is YAML),
    /// independently of the parsers: every document, Lists flattened into their items.
    /// </summary>
    public static List<YamlMappingNode> KubernetesObjects(string relativePath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(Bytes(relativePath))));
        var objects = new List<YamlMappingNode>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }
            if (root.Scalar("kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal))
            {
                objects.AddRange(root.Seq("items").OfType<YamlMappingNode>());
            }
            else
            {
                objects.Add(root);
            }
        }
        return objects;
    }

    public static YamlNode? Child(this YamlNode? node, string name) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(name), out var value) ? value : null;

    public static string? Scalar(this YamlNode? node, string name) => (node.Child(name) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Seq(this YamlNode? node, string name) =>
        node.Child(name) is YamlSequenceNode sequence ? sequence.Children : [];

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
