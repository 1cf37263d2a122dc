using K8Posture.Data;

namespace K8Posture.ComponentTests;

/// <summary>Two teams on one cluster, with findings whose counts the facts assert.</summary>
public sealed class SeededLandscape
{
    public required Team Payments { get; init; }
    public required Team Marketing { get; init; }
    public required Cluster Cluster { get; init; }

    private static int s_sequence;

    public static async Task<SeededLandscape> CreateAsync(TestPortal portal)
    {
        await using var db = portal.CreateSystemContext();
        var payments = new Team { Name = "Payments" };
        var marketing = new Team { Name = "Marketing" };
        var cluster = new Cluster { Name = "prod-eu-1", Provider = ClusterProvider.Aks, CreatedAt = DateTimeOffset.UtcNow };
        cluster.Namespaces.Add(new ClusterNamespace { Name = "payments", OwnerTeam = payments });
        cluster.Namespaces.Add(new ClusterNamespace { Name = "marketing", OwnerTeam = marketing });
        db.AddRange(payments, marketing, cluster);
        await db.SaveChangesAsync();

        // Payments: 2 critical vulnerabilities, 1 high container misconfiguration, 1 closed critical.
        db.Findings.AddRange(
            Finding(payments, cluster, FindingCategory.Vulnerability, FindingSeverity.Critical, "CVE-2024-0001 in openssl", vulnerabilityId: "CVE-2024-0001"),
            Finding(payments, cluster, FindingCategory.Vulnerability, FindingSeverity.Critical, "CVE-2024-0002 in glibc", vulnerabilityId: "CVE-2024-0002"),
            Finding(payments, cluster, FindingCategory.ContainerMisconfiguration, FindingSeverity.High, "Container runs as root"),
            Finding(payments, cluster, FindingCategory.Vulnerability, FindingSeverity.Critical, "CVE-2023-9999 fixed long ago", status: FindingStatus.Closed),
            // Marketing: 1 critical vulnerability, 2 medium Kubernetes misconfigurations, 1 high network policy.
            Finding(marketing, cluster, FindingCategory.Vulnerability, FindingSeverity.Critical, "CVE-2024-0003 in curl", vulnerabilityId: "CVE-2024-0003"),
            Finding(marketing, cluster, FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium, "hostPath volume mounted"),
            Finding(marketing, cluster, FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium, "Privilege escalation allowed"),
            Finding(marketing, cluster, FindingCategory.NetworkPolicyMisconfiguration, FindingSeverity.High, "Namespace has no default-deny policy"));
        await db.SaveChangesAsync();
        return new SeededLandscape { Payments = payments, Marketing = marketing, Cluster = cluster };
    }

    private static Finding Finding(
        Team owner, Cluster cluster, FindingCategory category, FindingSeverity severity, string title,
        string? vulnerabilityId = null, FindingStatus status = FindingStatus.Open)
    {
        var id = Interlocked.Increment(ref s_sequence).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
        var seen = DateTimeOffset.UtcNow.AddDays(-3);
        return new Finding
        {
            Fingerprint = id,
            ContentHash = id,
            Source = "test",
            ScopeKey = "cluster:" + cluster.Name,
            Category = category,
            Severity = severity,
            Title = title,
            VulnerabilityId = vulnerabilityId,
            RuleId = vulnerabilityId is null ? "K8P-" + title.Length : null,
            PackageName = vulnerabilityId is null ? null : "libexample",
            InstalledVersion = vulnerabilityId is null ? null : "1.0.0",
            FixedVersion = vulnerabilityId is null ? null : "1.0.1",
            ImageRepository = vulnerabilityId is null ? null : "registry.example.com/shop/api",
            ResourceKind = "Deployment",
            NamespaceName = owner.Name.ToLowerInvariant(),
            ResourceName = "api",
            Cluster = cluster,
            OwnerTeam = owner,
            Status = status,
            FirstSeenAt = seen,
            LastSeenAt = seen.AddDays(1),
        };
    }
}
