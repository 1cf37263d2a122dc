using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Rules;
using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Rules;

public sealed class EvaluateEndpointFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    internal const string PrivilegedPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: root-shell
          namespace: payments
        spec:
          containers:
          - name: shell
            image: mcr.microsoft.com/azurelinux/base/core:3.0
            securityContext:
              privileged: true
        """;

    /// <summary>A set that meets every rule (shared with the unit tests).</summary>
    internal static string CompliantSet => Encoding.UTF8.GetString(TestFixtures.Read("manifests/compliant-set.yaml"));

    internal static async Task<JsonElement> EvaluateAsync(HttpClient client, string yaml, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync("/api/v1/evaluate", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_privileged_pod_fails_and_a_compliant_one_passes()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));

        var failed = await EvaluateAsync(client, PrivilegedPod);
        Assert.False(failed.GetProperty("passed").GetBoolean());
        Assert.Equal("High", failed.GetProperty("threshold").GetString());
        Assert.Equal(0, failed.GetProperty("policyVersion").GetInt32());
        Assert.True(failed.GetProperty("counts").GetProperty("Critical").GetInt32() >= 1);
        var privileged = failed.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "K8P-PSS-002");
        Assert.Equal("Critical", privileged.GetProperty("severity").GetString());
        Assert.Equal("ContainerMisconfiguration", privileged.GetProperty("category").GetString());
        Assert.Equal("K01", privileged.GetProperty("owaspK8s").GetString());
        Assert.Equal("baseline/privileged-containers", privileged.GetProperty("pssControl").GetString());
        var resource = privileged.GetProperty("resource");
        Assert.Equal("Pod", resource.GetProperty("kind").GetString());
        Assert.Equal("payments", resource.GetProperty("namespace").GetString());
        Assert.Equal("root-shell", resource.GetProperty("name").GetString());
        Assert.Equal("shell", resource.GetProperty("container").GetString());
        Assert.False(string.IsNullOrEmpty(privileged.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(privileged.GetProperty("remediation").GetString()));
        Assert.Contains("kubesec:Privileged", privileged.GetProperty("references").EnumerateArray().Select(r => r.GetString()));

        var passed = await EvaluateAsync(client, CompliantSet);
        Assert.True(passed.GetProperty("passed").GetBoolean(), passed.ToString());
        Assert.Equal(0, passed.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task An_ingest_only_key_is_forbidden_and_no_key_is_unauthorized()
    {
        using var ingestOnly = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        using var anonymous = app.CreateApiClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await ingestOnly.PostAsync("/api/v1/evaluate", new StringContent(PrivilegedPod))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/evaluate", new StringContent(PrivilegedPod))).StatusCode);
    }

    [Fact]
    public async Task Malformed_yaml_is_a_problem_that_says_the_line()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));

        var problem = await EvaluateAsync(client, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n", HttpStatusCode.BadRequest);

        Assert.Contains("line ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("line ", problem.GetProperty("pointer").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_ten_megabytes_is_too_large()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));

        var response = await client.PostAsync("/api/v1/evaluate", new ByteArrayContent(new byte[10 * 1024 * 1024 + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_rule_catalogue_lists_references()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("read"));

        var rules = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");

        var hostPath = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "K8P-PSS-004");
        var references = hostPath.GetProperty("references").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("polaris:hostPathSet", references);
        Assert.Contains("pss:baseline/host-path-volumes", references);
        Assert.Contains("owasp-k8s-2025:K01", references);
        Assert.True(rules.GetArrayLength() >= 35);
    }

    [Fact]
    public async Task The_rule_catalogue_shows_the_reference_checks_each_rule_is_proved_to_agree_with()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("read"));

        var rules = (await client.GetFromJsonAsync<JsonElement>("/api/v1/rules")).EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);

        var networkPolicy = Assert.Single(rules["K8P-NET-003"].GetProperty("agreesWith").EnumerateArray());
        Assert.Equal("kube-score", networkPolicy.GetProperty("tool").GetString());
        Assert.Equal("pod-networkpolicy", networkPolicy.GetProperty("check").GetString());
        Assert.Equal(ReferenceCases.All.Count(c => c.Reference == "kube-score:pod-networkpolicy"), networkPolicy.GetProperty("fixtures").GetInt32());
        Assert.Empty(networkPolicy.GetProperty("together").EnumerateArray());
        // The namespace default-deny rule is a different control and no longer claims kube-score's check.
        Assert.Empty(rules["K8P-NET-001"].GetProperty("agreesWith").EnumerateArray());

        var secrets = rules["K8P-SEC-001"].GetProperty("agreesWith").EnumerateArray().Single();
        Assert.Equal(("polaris", "sensitiveContainerEnvVar", 8), (secrets.GetProperty("tool").GetString(), secrets.GetProperty("check").GetString(), secrets.GetProperty("fixtures").GetInt32()));

        var userId = rules["K8P-CTR-002"].GetProperty("agreesWith").EnumerateArray().ToList();
        var kubeScore = Assert.Single(userId, a => a.GetProperty("tool").GetString() == "kube-score");
        Assert.Equal(["K8P-CTR-003"], kubeScore.GetProperty("together").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(userId, a => a.GetProperty("tool").GetString() == "kubesec" && a.GetProperty("check").GetString() == "RunAsUser");

        // Deliberate differences are listed with their reason and never as agreement; unproved references stay plain references.
        var appArmor = rules["K8P-PSS-006"];
        Assert.DoesNotContain(appArmor.GetProperty("agreesWith").EnumerateArray(), a => a.GetProperty("check").GetString() == "ApparmorAny");
        var difference = Assert.Single(appArmor.GetProperty("differsFrom").EnumerateArray());
        Assert.Equal("kubesec/score-0-dep-apparmor-empty-securitycontext.yml", difference.GetProperty("fixture").GetString());
        Assert.Contains("runtime", difference.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("kubescape:C-0260", rules["K8P-NET-001"].GetProperty("references").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(rules["K8P-IMG-001"].GetProperty("agreesWith").EnumerateArray());
    }

    [Fact]
    public async Task A_pod_selected_by_a_NetworkPolicy_of_the_same_body_is_covered()
    {
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));

        var matching = await EvaluateAsync(client, Encoding.UTF8.GetString(TestFixtures.Read("kube-score/networkpolicy-matching.yaml")));
        var unmatched = await EvaluateAsync(client, Encoding.UTF8.GetString(TestFixtures.Read("kube-score/networkpolicy-not-matching.yaml")));

        Assert.DoesNotContain(matching.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "K8P-NET-003");
        var finding = Assert.Single(unmatched.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "K8P-NET-003");
        Assert.Equal("pod-test-1", finding.GetProperty("resource").GetProperty("name").GetString());
        Assert.Contains("kube-score:pod-networkpolicy", finding.GetProperty("references").EnumerateArray().Select(r => r.GetString()));
    }
}
