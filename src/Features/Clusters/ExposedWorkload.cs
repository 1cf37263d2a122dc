using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Clusters;

/// <summary>How a workload is reachable from outside the cluster (docs/design-decisions.md, "Exposure").</summary>
public enum ExposureKind
{
    LoadBalancer = 1,
    NodePort = 2,
    ExternalIp = 3,
    Ingress = 4,
    HttpRoute = 5,
    HostNetwork = 6,
    HostPort = 7,
}

/// <summary>
/// One way one workload of a collected cluster is exposed: a LoadBalancer/NodePort/externalIPs Service whose selector
/// matches its pod template, an Ingress or HTTPRoute whose backend is such a Service (any type), or host network / host
/// ports in its pod spec. Replaced by every collection of the cluster; owned by the namespace's team and scoped like findings.
/// </summary>
public sealed class ExposedWorkload
{
    public long Id { get; set; }
    public int ClusterId { get; set; }
    public required string NamespaceName { get; set; }
    /// <summary>Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod (a bare pod).</summary>
    public required string WorkloadKind { get; set; }
    public required string WorkloadName { get; set; }
    public ExposureKind Via { get; set; }
    /// <summary>What a person reads: "Ingress shop.example.com/ → svc/web", "NodePort 30080 → svc/web", "host network".</summary>
    public required string Detail { get; set; }
    public int? OwnerTeamId { get; set; }
}

public sealed class ExposedWorkloadConfiguration : IEntityTypeConfiguration<ExposedWorkload>
{
    public const int DetailMaxLength = 500;

    public void Configure(EntityTypeBuilder<ExposedWorkload> e)
    {
        e.Property(x => x.NamespaceName).HasMaxLength(FindingConfiguration.NamespaceNameMaxLength);
        e.Property(x => x.WorkloadKind).HasMaxLength(FindingConfiguration.ResourceKindMaxLength);
        e.Property(x => x.WorkloadName).HasMaxLength(FindingConfiguration.ResourceNameMaxLength);
        e.Property(x => x.Detail).HasMaxLength(DetailMaxLength);
        // The re-score looks a finding's workload up by exactly these columns.
        e.HasIndex(x => new { x.ClusterId, x.NamespaceName, x.WorkloadKind, x.WorkloadName });
        e.HasOne<Cluster>().WithMany().HasForeignKey(x => x.ClusterId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.OwnerTeamId).OnDelete(DeleteBehavior.SetNull);
    }
}
