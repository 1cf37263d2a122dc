using K8Posture.Data;

namespace K8Posture.Features.Scorecard;

/// <summary>"When should I deploy a single-tenant or multi-tenant K8?"</summary>
public sealed class TenancySection
{
    public const string Name = "Single- or multi-tenant";

    public Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var managed = facts.Clusters.Where(c => c.IsManaged).ToList();
        var unknown = managed.Where(c => c.Tenancy == TenancyModel.Unknown).Select(c => c.Name).ToList();
        var byModel = managed.GroupBy(c => c.Tenancy).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        var status = managed.Count == 0 ? ScorecardStatus.Unknown : unknown.Count > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered;
        List<string> evidence = managed.Count == 0
            ? ["No managed cluster is registered, so no tenancy model is recorded."]
            : [$"Managed clusters by tenancy model: {string.Join(", ", byModel)}.",
               unknown.Count == 0 ? "Every managed cluster has a tenancy model." : $"No tenancy model recorded for: {string.Join(", ", unknown.Take(10))}{(unknown.Count > 10 ? ", …" : "")}."];
        IReadOnlyList<ScorecardItem> items =
        [
            new("tenancy-model", Name, "When should I deploy a single-tenant or multi-tenant cluster? How risky are the co-tenants, what is the legal landscape?",
                status, evidence, "/clusters", "Clusters"),
        ];
        return Task.FromResult(items);
    }
}

/// <summary>"What about the public cloud?" — VPC placement and isolation, role permissions, pipelines, the metadata API.</summary>
public sealed class PublicCloudSection
{
    public const string Name = "The public cloud";

    public Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var clusters = facts.Clusters;
        var withoutVpc = clusters.Where(c => string.IsNullOrWhiteSpace(c.Vpc)).Select(c => c.Name).ToList();
        var vpcs = clusters.Where(c => !string.IsNullOrWhiteSpace(c.Vpc)).GroupBy(c => c.Vpc!).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} → {string.Join(", ", g.Select(c => c.Name))}").Take(8).ToList();
        var vpc = new ScorecardItem("vpc-strategy", Name, "What is the VPC strategy and where is the K8 hosted within the VPC?",
            clusters.Count == 0 ? ScorecardStatus.Unknown : withoutVpc.Count > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            clusters.Count == 0
                ? ["No cluster is known yet."]
                : [.. vpcs, withoutVpc.Count == 0 ? "Every known cluster has its VPC/VNet recorded." : $"VPC unknown for {withoutVpc.Count} cluster(s): {string.Join(", ", withoutVpc.Take(10))}."],
            "/inventory", "Inventory");

        var network = facts.Category(FindingCategory.NetworkPolicyMisconfiguration);
        var cloud = facts.Category(FindingCategory.CloudIamVpcMisconfiguration);
        var isolationOpen = network.Open.Plus(cloud.Open);
        var isolation = new ScorecardItem("vpc-isolation", Name, "How well is the K8 isolated within the VPC?",
            network.Reported + cloud.Reported == 0 && !facts.RulesEvaluated ? ScorecardStatus.Unknown
                : isolationOpen.Open > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            [$"Open network-policy findings: {RuleEvidence.Count(network.Open.Open)} ({RuleEvidence.Count(network.Open.HighOrWorse)} High or Critical).",
             $"Open cloud IAM/VPC findings (public endpoints, authorised networks, private clusters): {RuleEvidence.Count(cloud.Open.Open)} ({RuleEvidence.Count(cloud.Open.HighOrWorse)} High or Critical)."],
            "/findings?category=" + nameof(FindingCategory.NetworkPolicyMisconfiguration), "Findings");

        var roles = RuleEvidence.Judge(facts, "role-permissions", Name, "What are your K8 role permissions, are they too broad?",
            "least-privilege RBAC", "K8P-RBAC-001", "K8P-RBAC-002", "K8P-RBAC-003", "K8P-RBAC-004", "K8P-RBAC-005");

        var pipelines = facts.PipelinesLast30Days;
        var provisioning = new ScorecardItem("pipelines", Name, "How do you provision, deploy and update the K8 infrastructure (Jenkins, CodePipeline, Travis …)?",
            pipelines.Count == 0 ? ScorecardStatus.Unknown : ScorecardStatus.Covered,
            pipelines.Count == 0
                ? ["No pipeline pushed results in the last 30 days: build teams are not calling the security tooling from their pipelines (see infra/pipelines for examples)."]
                : [$"{pipelines.Count} pipeline(s) pushed results in the last 30 days: {string.Join(", ", pipelines.Take(8))}{(pipelines.Count > 8 ? ", …" : "")}."],
            "/ingestion", "Ingestion");

        var metadata = RuleEvidence.Judge(facts, "metadata-api", Name, "Are you protecting the cloud metadata API?",
            "egress to 169.254.169.254 is blocked", "K8P-NET-002");

        IReadOnlyList<ScorecardItem> items = [vpc, isolation, roles, provisioning, metadata];
        return Task.FromResult(items);
    }
}

/// <summary>"Should I block Docker.io?"</summary>
public sealed class RegistrySection
{
    public const string Name = "Docker.io and registries";

    public Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var allowed = facts.Policy.Document.AllowedRegistries;
        var dockerHubAllowed = allowed.Where(r => r is "docker.io" or "index.docker.io" or "registry-1.docker.io").ToList();
        var open = facts.Open("K8P-IMG-001");
        var evidence = new List<string>
        {
            dockerHubAllowed.Count > 0
                ? "The policy's allow-list admits all of docker.io."
                : $"The policy's allow-list ({allowed.Count} entries) does not admit docker.io as a whole" + (allowed.Any(r => r.StartsWith("docker.io/", StringComparison.Ordinal)) ? "; some docker.io repositories are allowed by name." : "."),
            $"Open findings of images from registries outside the allow-list (K8P-IMG-001): {RuleEvidence.Count(open.Open)}.",
        };
        var status = dockerHubAllowed.Count > 0 || open.Open > 0 ? ScorecardStatus.Gap
            : facts.RulesEvaluated ? ScorecardStatus.Covered : ScorecardStatus.Unknown;
        IReadOnlyList<ScorecardItem> items =
        [
            new("docker-io", Name, "Should I block Docker.io? Are untrusted images reaching the clusters, and are golden images built in a pipeline?",
                status, evidence, RuleEvidence.FindingsLink("K8P-IMG-001"), "Findings"),
        ];
        return Task.FromResult(items);
    }
}
