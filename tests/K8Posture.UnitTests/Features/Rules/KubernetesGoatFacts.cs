using K8Posture.Data;
using K8Posture.Features.Rules;

namespace K8Posture.UnitTests.Features.Rules;

/// <summary>Kubernetes Goat's intentionally vulnerable manifests: what a security engineer reading them would flag, one by one.</summary>
public sealed class KubernetesGoatFacts
{
    private static IReadOnlyList<EvaluatedFinding> Findings(EvaluationResult result, string ruleId) =>
        result.Findings.Where(f => f.RuleId == ruleId).ToList();

    private static EvaluatedFinding Single(EvaluationResult result, string ruleId, string kind, string name)
    {
        var findings = result.Findings.Where(f => f.RuleId == ruleId && f.Resource.Kind == kind && f.Resource.Name == name).ToList();
        Assert.True(findings.Count == 1, $"expected one {ruleId} on {kind}/{name}, got {findings.Count}: "
            + string.Join("; ", result.Findings.Select(f => $"{f.RuleId} {f.Resource.Kind}/{f.Resource.Name}: {f.Message}")));
        return findings[0];
    }

    [Fact]
    public void System_monitor_is_a_container_escape_to_the_host()
    {
        var result = RuleTesting.EvaluateFixture("kubernetes-goat/system-monitor-deployment.yaml");
        const string deployment = "system-monitor-deployment";

        var privileged = Single(result, "K8P-PSS-002", "Deployment", deployment);
        Assert.Equal(FindingSeverity.Critical, privileged.Severity);
        Assert.Equal("system-monitor", privileged.Resource.Container);
        Assert.Equal("default", privileged.Resource.Namespace);

        var hostRoot = Single(result, "K8P-HOST-001", "Deployment", deployment);
        Assert.Contains("root filesystem (hostPath /)", hostRoot.Message, StringComparison.Ordinal);
        Assert.Equal(FindingSeverity.Critical, hostRoot.Severity);
        Assert.Single(Findings(result, "K8P-PSS-004"));

        var hostNamespaces = Findings(result, "K8P-PSS-001").Select(f => f.Message).ToList();
        Assert.Contains("hostPID is true.", hostNamespaces);
        Assert.Contains("hostIPC is true.", hostNamespaces);
        Assert.DoesNotContain("hostNetwork is true.", hostNamespaces); // commented out in the manifest

        Assert.Equal("allowPrivilegeEscalation is true.", Single(result, "K8P-PSS-013", "Deployment", deployment).Message);
        Assert.Contains("goatvault/k8sgoatvaultkey", Single(result, "K8P-SEC-002", "Deployment", deployment).Message, StringComparison.Ordinal);
        Assert.Contains("docker.io", Single(result, "K8P-IMG-001", "Deployment", deployment).Message, StringComparison.Ordinal);
        Assert.Contains("no tag", Single(result, "K8P-IMG-002", "Deployment", deployment).Message, StringComparison.Ordinal);
        Single(result, "K8P-NET-001", "Namespace", "default");

        // It sets CPU and memory limits but no requests: Polaris, kube-score and kubesec all want the requests spelled out.
        Assert.Empty(Findings(result, "K8P-RES-001"));
        Assert.Empty(Findings(result, "K8P-RES-002"));
        Assert.Contains("copies the limit", Single(result, "K8P-RES-003", "Deployment", deployment).Message, StringComparison.Ordinal);
        Assert.Contains("copies the limit", Single(result, "K8P-RES-004", "Deployment", deployment).Message, StringComparison.Ordinal);
        Assert.Empty(Findings(result, "K8P-SVC-001"));
        Assert.False(result.Passed);
    }

    [Fact]
    public void Health_check_mounts_the_containerd_socket_from_a_privileged_container()
    {
        var result = RuleTesting.EvaluateFixture("kubernetes-goat/health-check-deployment.yaml");

        var socket = Single(result, "K8P-HOST-002", "Deployment", "health-check-deployment");
        Assert.Contains("/run/containerd/containerd.sock", socket.Message, StringComparison.Ordinal);
        Assert.Equal(FindingSeverity.Critical, socket.Severity);
        Single(result, "K8P-PSS-002", "Deployment", "health-check-deployment");
        Single(result, "K8P-PSS-004", "Deployment", "health-check-deployment");
        // The socket is reported once, as a socket, not again as a sensitive path.
        Assert.Empty(Findings(result, "K8P-HOST-001"));
        Assert.False(result.Passed);
    }

    [Fact]
    public void Hunger_check_gives_its_pods_a_service_account_that_reads_every_secret_and_sets_no_limits()
    {
        var result = RuleTesting.EvaluateFixture("kubernetes-goat/hunger-check-deployment.yaml");

        Assert.Contains("\"*\" resources", Single(result, "K8P-RBAC-001", "Role", "secret-reader").Message, StringComparison.Ordinal);
        Assert.Contains("namespace big-monolith", Single(result, "K8P-RBAC-004", "Role", "secret-reader").Message, StringComparison.Ordinal);
        var token = Single(result, "K8P-RBAC-005", "Deployment", "hunger-check-deployment");
        Assert.Contains("big-monolith/big-monolith-sa", token.Message, StringComparison.Ordinal);
        Assert.Contains("RoleBinding secret-reader-binding", token.Message, StringComparison.Ordinal);
        Single(result, "K8P-RES-001", "Deployment", "hunger-check-deployment");
        Single(result, "K8P-RES-002", "Deployment", "hunger-check-deployment");
        Single(result, "K8P-RES-003", "Deployment", "hunger-check-deployment");
        Single(result, "K8P-RES-004", "Deployment", "hunger-check-deployment");
        Single(result, "K8P-NET-001", "Namespace", "big-monolith");
        Assert.Empty(Findings(result, "K8P-RBAC-006")); // it has its own service account
        Assert.Empty(Findings(result, "K8P-RBAC-002"));
    }

    [Fact]
    public void Insecure_rbac_binds_cluster_admin_to_a_service_account()
    {
        var result = RuleTesting.EvaluateFixture("kubernetes-goat/insecure-rbac-setup.yaml");

        var binding = Single(result, "K8P-RBAC-002", "ClusterRoleBinding", "superadmin");
        Assert.Equal(FindingSeverity.Critical, binding.Severity);
        Assert.Null(binding.Resource.Namespace);
        Assert.Contains("ServiceAccount/kube-system/superadmin", binding.Message, StringComparison.Ordinal);
        Assert.Contains("polaris:clusterrolebindingClusterAdmin", binding.References);
        Assert.Contains("owasp-k8s-2025:K02", binding.References);
        Assert.False(result.Passed);
    }

    [Fact]
    public void Cache_store_has_no_network_segmentation()
    {
        var result = RuleTesting.EvaluateFixture("kubernetes-goat/cache-store-deployment.yaml");

        var segmentation = Single(result, "K8P-NET-001", "Namespace", "secure-middleware");
        Assert.Equal(FindingCategory.NetworkPolicyMisconfiguration, segmentation.Category);
        Assert.Equal("K05", segmentation.OwaspK8s);
        Single(result, "K8P-NET-002", "Namespace", "secure-middleware");
        Single(result, "K8P-RES-001", "Deployment", "cache-store-deployment");
        Assert.Empty(Findings(result, "K8P-SVC-001")); // a ClusterIP service
        Assert.Empty(Findings(result, "K8P-PSS-002"));
    }
}
