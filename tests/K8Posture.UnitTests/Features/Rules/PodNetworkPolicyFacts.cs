namespace K8Posture.UnitTests.Features.Rules;

/// <summary>
/// K8P-NET-003 reads a NetworkPolicy's podSelector as Kubernetes does (kube-score's pod-networkpolicy uses the same
/// apimachinery selector): matchLabels and matchExpressions together, an empty selector selects every pod of the namespace.
/// </summary>
public sealed class PodNetworkPolicyFacts
{
    private const string RuleId = "K8P-NET-003";

    private static string Set(string selector, string podLabels, string policyNamespace = "shop", string policyTypes = "[Ingress, Egress]") => $"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: web
          namespace: {policyNamespace}
        spec:
          podSelector: {selector}
          policyTypes: {policyTypes}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            metadata:
              labels: {podLabels}
            spec:
              containers:
              - name: web
                image: contoso.azurecr.io/web:1.0
        """;

    public static TheoryData<string, string, bool> Selectors => new()
    {
        { "{}", "{app: web}", true },
        { "{matchLabels: {app: web}}", "{app: web, tier: front}", true },
        { "{matchLabels: {app: web, tier: back}}", "{app: web, tier: front}", false },
        { "{matchExpressions: [{key: tier, operator: In, values: [front, edge]}]}", "{app: web, tier: front}", true },
        { "{matchExpressions: [{key: tier, operator: In, values: [back]}]}", "{app: web, tier: front}", false },
        { "{matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}", "{app: web, tier: front}", true },
        { "{matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}", "{app: web}", true },
        { "{matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}", "{app: web, tier: front}", false },
        { "{matchExpressions: [{key: tier, operator: Exists}]}", "{app: web, tier: front}", true },
        { "{matchExpressions: [{key: tier, operator: Exists}]}", "{app: web}", false },
        { "{matchExpressions: [{key: tier, operator: DoesNotExist}]}", "{app: web}", true },
        { "{matchExpressions: [{key: tier, operator: DoesNotExist}]}", "{app: web, tier: front}", false },
        { "{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}", "{app: web, tier: front}", false },
        // Selectors Kubernetes refuses select nothing.
        { "{matchExpressions: [{key: tier, operator: In, values: []}]}", "{app: web, tier: front}", false },
        { "{matchExpressions: [{key: tier, operator: Exists, values: [front]}]}", "{app: web, tier: front}", false },
        { "{matchExpressions: [{key: tier, operator: Like, values: [front]}]}", "{app: web, tier: front}", false },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void A_policy_covers_the_pods_its_selector_selects(string selector, string podLabels, bool selected)
    {
        var result = RuleTesting.EvaluateYaml(Set(selector, podLabels));

        var findings = result.Findings.Where(f => f.RuleId == RuleId).ToList();
        Assert.Equal(!selected, findings.Count == 1);
        Assert.All(findings, f => Assert.Equal(("Deployment", "shop", "web"), (f.Resource.Kind, f.Resource.Namespace, f.Resource.Name)));
    }

    [Fact]
    public void A_policy_of_another_namespace_does_not_cover_the_pod()
    {
        var finding = Assert.Single(RuleTesting.EvaluateYaml(Set("{}", "{app: web}", policyNamespace: "other")).Findings, f => f.RuleId == RuleId);

        Assert.Contains("namespace shop", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Ingress]", "egress")]
    [InlineData("[Egress]", "ingress")]
    public void A_policy_of_one_direction_leaves_the_other_reported(string policyTypes, string missing)
    {
        var finding = Assert.Single(RuleTesting.EvaluateYaml(Set("{}", "{app: web}", policyTypes: policyTypes)).Findings, f => f.RuleId == RuleId);

        Assert.Contains($"restricts the pod's {missing}", finding.Message, StringComparison.Ordinal);
    }
}
