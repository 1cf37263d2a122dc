using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Features.Rules;

public sealed class PolicyEvaluatorFacts
{
    private const string PrivilegedPod = """
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

    [Fact]
    public void A_compliant_pod_yields_no_finding_and_passes()
    {
        var result = RuleTesting.EvaluateYaml(RuleTesting.CompliantSet);

        Assert.True(result.Passed, string.Join("; ", result.Findings.Select(f => $"{f.RuleId}: {f.Message}")));
        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Objects);
        Assert.Equal(FindingSeverity.High, result.Threshold);
    }

    [Fact]
    public void A_privileged_pod_fails_at_the_default_threshold()
    {
        var result = RuleTesting.EvaluateYaml(PrivilegedPod);

        Assert.False(result.Passed);
        Assert.Equal(FindingSeverity.Critical, result.Findings[0].Severity); // worst first
        Assert.Equal(result.Findings.Count, result.Counts.Values.Sum());
    }

    [Fact]
    public void Severity_overrides_and_rule_switches_apply()
    {
        var policy = PolicyDocument.Default();
        policy.SeverityOverrides["K8P-PSS-002"] = FindingSeverity.Low;
        policy.RuleSwitches["K8P-PSS-013"] = false;

        var result = RuleTesting.EvaluateYaml(PrivilegedPod, policy);

        Assert.Equal(FindingSeverity.Low, Assert.Single(result.Findings, f => f.RuleId == "K8P-PSS-002").Severity);
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "K8P-PSS-013");
    }

    [Fact]
    public void The_threshold_decides_passing()
    {
        var policy = PolicyDocument.Default();
        policy.EvaluateFailThreshold = FindingSeverity.Critical;
        policy.RuleSwitches["K8P-PSS-002"] = false;

        Assert.True(RuleTesting.EvaluateYaml(PrivilegedPod, policy).Passed);
        policy.EvaluateFailThreshold = FindingSeverity.Low;
        Assert.False(RuleTesting.EvaluateYaml(RuleTesting.CompliantSet.Replace("@sha256:0f2f2c2e5ab5d6a7d3f4c8e1b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5", "", StringComparison.Ordinal), policy).Passed);
    }

    [Theory]
    [InlineData("nginx:1.27", false)]
    [InlineData("docker.io/library/nginx:1.27", false)]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:8.0", true)]
    [InlineData("ghcr.io/contoso/api:1.0", true)]
    [InlineData("ghcr.io/someone-else/api:1.0", false)]
    [InlineData("contoso.azurecr.io/payments/api:2.1", true)]
    public void The_allow_list_decides_which_registries_pass(string image, bool allowed)
    {
        var policy = PolicyDocument.Default();
        policy.AllowedRegistries.AddRange(["ghcr.io/contoso", "contoso.azurecr.io"]);

        Assert.Equal(allowed, policy.AllowsImage(ImageReference.TryParse(image)!));
        Assert.DoesNotContain("docker.io", PolicyDocument.Default().AllowedRegistries);
    }

    [Fact]
    public void Malformed_yaml_says_where_it_broke()
    {
        var error = Assert.Throws<ScanParseException>(() => RuleTesting.EvaluateYaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n"));

        Assert.StartsWith("line ", error.Pointer, StringComparison.Ordinal);
        Assert.Contains("position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helm_rendered_output_with_source_comments_and_empty_documents_is_evaluated()
    {
        const string helm = """
            ---
            # Source: shop/templates/serviceaccount.yaml
            ---
            # Source: shop/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: shop
            spec:
              type: LoadBalancer
              ports:
                - port: 80
            ---
            # Source: shop/templates/cronjob.yaml
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: shop-cleanup
            spec:
              schedule: "*/5 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                        - name: cleanup
                          image: "busybox:latest"
                          securityContext:
                            privileged: true
            """;

        var result = RuleTesting.EvaluateYaml(helm);

        Assert.Contains(result.Findings, f => f.RuleId == "K8P-SVC-001" && f.Resource.Name == "shop");
        Assert.Contains(result.Findings, f => f.RuleId == "K8P-PSS-002" && f.Resource is { Kind: "CronJob", Name: "shop-cleanup", Container: "cleanup" });
        Assert.Contains(result.Findings, f => f.RuleId == "K8P-IMG-002" && f.Resource.Kind == "CronJob");
    }

    [Fact]
    public void A_json_list_is_flattened_into_its_items()
    {
        const string list = """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"ops"},
               "spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"a","image":"registry.k8s.io/agent:1.0"}]}}}},
              {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"exec"},
               "rules":[{"apiGroups":[""],"resources":["pods/exec"],"verbs":["create"]}]}
            ]}
            """;

        var result = RuleTesting.EvaluateYaml(list);

        Assert.Equal(2, result.Objects);
        Assert.Contains(result.Findings, f => f.RuleId == "K8P-PSS-001" && f.Resource.Name == "agent" && f.Message == "hostNetwork is true.");
        Assert.Contains(result.Findings, f => f.RuleId == "K8P-RBAC-003" && f.Resource is { Kind: "ClusterRole", Name: "exec" });
    }

    [Fact]
    public void An_egress_policy_that_leaves_the_metadata_api_open_is_reported_and_one_that_excepts_it_is_not()
    {
        const string template = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: egress
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:
                    cidr: 0.0.0.0/0
            EXCEPT
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop
            spec:
              containers:
              - name: web
                image: mcr.microsoft.com/web:1.0
            """;
        var open = RuleTesting.EvaluateYaml(template.Replace("EXCEPT", "", StringComparison.Ordinal));
        var closed = RuleTesting.EvaluateYaml(template.Replace("EXCEPT", "        except: [169.254.169.254/32]", StringComparison.Ordinal));

        Assert.Contains(open.Findings, f => f.RuleId == "K8P-NET-002" && f.Resource is { Kind: "NetworkPolicy", Name: "egress" });
        Assert.DoesNotContain(closed.Findings, f => f.RuleId == "K8P-NET-002");
    }

    [Fact]
    public void Token_automount_off_silences_the_powerful_service_account_rule()
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "kubernetes-goat", "hunger-check-deployment.yaml"))
            .Replace("      serviceAccountName: big-monolith-sa", "      serviceAccountName: big-monolith-sa\n      automountServiceAccountToken: false", StringComparison.Ordinal);

        Assert.DoesNotContain(RuleTesting.EvaluateYaml(yaml).Findings, f => f.RuleId == "K8P-RBAC-005");
    }

    [Fact]
    public void Line_diff_shows_what_changed()
    {
        var diff = LineDiff.Compute("a\nb\nc", "a\nB\nc");

        Assert.Equal([DiffKind.Same, DiffKind.Removed, DiffKind.Added, DiffKind.Same], diff.Select(d => d.Kind));
    }

    [Fact]
    public void A_policy_document_round_trips_through_json()
    {
        var policy = PolicyDocument.Default();
        policy.SeverityOverrides["K8P-IMG-001"] = FindingSeverity.Critical;
        policy.AlertSuppressions.Add(new AlertSuppression { RuleId = "Terminal shell in container", Namespace = "ops" });

        var json = policy.ToJson();
        var back = PolicyDocument.FromJson(json);

        Assert.Contains("\"Critical\": 7", json, StringComparison.Ordinal);
        Assert.Equal(FindingSeverity.Critical, back.SeverityOverrides["K8P-IMG-001"]);
        Assert.Equal(json, back.ToJson());
    }
}
