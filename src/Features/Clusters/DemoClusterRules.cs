using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Demo;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>
/// The demo cannot reach a cluster, so it judges the kubernetes-goat manifests as if collected from one demo cluster:
/// the same rules and the same store path as collection, so the rule-backed views (and the scorecard) have evidence.
/// </summary>
public sealed class DemoClusterRules(IDbContextFactory<K8PostureDbContext> contexts, ClusterRuleFindings ruleFindings, PolicyStore policies) : IDemoSeedContributor
{
    public const string ClusterName = "prod-eks-use1";

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cluster = await db.Clusters.AsNoTracking().SingleOrDefaultAsync(c => c.Name == ClusterName, cancellationToken);
        if (cluster is null)
        {
            return;
        }
        var owners = await db.Namespaces.AsNoTracking().Where(n => n.ClusterId == cluster.Id && n.OwnerTeamId != null)
            .ToDictionaryAsync(n => n.Name, n => n.OwnerTeamId!.Value, StringComparer.Ordinal, cancellationToken);
        var objects = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(Path.Combine(DemoSeeder.FixturesRoot, "kubernetes-goat"), "*.yaml").Order(StringComparer.Ordinal))
        {
            using var documents = KubernetesDocuments.Parse(await File.ReadAllBytesAsync(file, cancellationToken), "yaml");
            objects.AddRange(documents.Objects.Select(o => o.Element.Clone()));
        }
        await ruleFindings.ApplyAsync(cluster, await policies.GetCurrentAsync(cancellationToken), objects, owners, cancellationToken);
    }
}
