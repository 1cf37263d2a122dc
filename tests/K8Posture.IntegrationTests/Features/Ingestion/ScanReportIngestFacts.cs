using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Ingestion;

/// <summary>
/// Image, repository and node scans pushed through POST /api/v1/ingest/scans: each creates one finding per distinct
/// problem, counted here from the fixture by the identity rules (docs/ARCHITECTURE.md, Finding identity and lifecycle), independently of the parsers.
/// </summary>
public sealed class ScanReportIngestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static TheoryData<string, string> Fixtures => new()
    {
        { "trivy/alpine-310.json.golden", "trivy-json" },
        { "trivy/debian-buster.json.golden", "trivy-json" },
        { "trivy/trivy-0.72.0-alpine-3.10-image.json", "trivy-json" },
        { "trivy/ubuntu-1804.json.golden", "trivy-json" },
        { "trivy/alpine-310.sarif.golden", "sarif" },
        { "grype/defectdojo-grype-0.28.0-debian10.json", "grype-json" },
        { "grype/defectdojo-grype-0.94.0-busybox-epss.json", "grype-json" },
        { "grype/grype-0.61.1-chainguard-ruby.json", "grype-json" },
        { "grype/grype-0.66.0-keycloak-21.0.2.json", "grype-json" },
        { "kube-bench/kube-bench-cis-1.5-minikube-trimmed.json", "kube-bench" },
        { "kube-bench/kube-bench-cis-1.6-kind-full.json", "kube-bench" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Each_distinct_problem_in_the_report_becomes_one_finding_and_a_repush_changes_nothing(string path, string format)
    {
        var report = TestFixtures.Read(path);
        var expected = DistinctProblems(JsonDocument.Parse(report).RootElement, format);
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var url = $"/api/v1/ingest/scans?cluster=ingest-{Guid.NewGuid():N}";

        var first = await OutcomeAsync(await client.PostAsync(url, new ByteArrayContent(report)));
        var again = await OutcomeAsync(await client.PostAsync(url, new ByteArrayContent(report)));

        Assert.True(expected > 0, "the fixture should hold at least one problem");
        Assert.Equal((format, "processed", expected), (first.Format, first.Status, first.Created));
        Assert.Equal((0, 0, 0, 0), (again.Created, again.Updated, again.Closed, again.Reopened));
    }

    private static int DistinctProblems(JsonElement root, string format)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        switch (format)
        {
            case "trivy-json":
                foreach (var result in Items(root, "Results"))
                {
                    foreach (var v in Items(result, "Vulnerabilities"))
                    {
                        keys.Add($"{Str(v, "PkgName")}|{Str(v, "InstalledVersion")}|{Str(v, "VulnerabilityID")}");
                    }
                }
                break;
            case "sarif":
                // Trivy's SARIF names package and installed version in each result's message.
                foreach (var run in Items(root, "runs"))
                {
                    foreach (var result in Items(run, "results"))
                    {
                        var text = result.GetProperty("message").GetProperty("text").GetString()!;
                        string Line(string label) => text.Split('\n').First(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();
                        keys.Add($"{Line("Package:")}|{Line("Installed Version:")}|{Str(result, "ruleId")}");
                    }
                }
                break;
            case "grype-json":
                foreach (var match in Items(root, "matches"))
                {
                    var vulnerability = match.GetProperty("vulnerability");
                    var id = Str(vulnerability, "id")!;
                    // A GHSA or distro id with exactly one related CVE is that CVE (so it meets Trivy's finding).
                    var relatedCves = Items(match, "relatedVulnerabilities").Select(r => Str(r, "id")!).Where(r => r.StartsWith("CVE-", StringComparison.Ordinal)).Distinct().ToList();
                    var identity = !id.StartsWith("CVE-", StringComparison.Ordinal) && relatedCves.Count == 1 ? relatedCves[0] : id;
                    var artifact = match.GetProperty("artifact");
                    keys.Add($"{Str(artifact, "name")}|{Str(artifact, "version")}|{identity}");
                }
                break;
            case "kube-bench":
                var controls = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : root.GetProperty("Controls").EnumerateArray();
                foreach (var control in controls)
                {
                    foreach (var test in Items(control, "tests"))
                    {
                        foreach (var result in Items(test, "results").Where(r => Str(r, "status") is "FAIL" or "WARN"))
                        {
                            keys.Add($"{Str(control, "node_type")}|{Str(result, "test_number")}");
                        }
                    }
                }
                break;
        }
        return keys.Count;
    }

    private static async Task<IngestOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IngestOutcome>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray()
            : [];

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
