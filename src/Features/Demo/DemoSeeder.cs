using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Organisation;
using K8Posture.Features.Landscape;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Demo;

/// <summary>
/// Builds a believable landscape on an empty database: business units, teams with contacts and Entra group mappings,
/// the applications the namespaces run, managed and discovered clusters with owned namespaces, and findings from real scanner outputs
/// pushed through the same ingestion path a pipeline uses.
/// </summary>
public static class DemoSeeder
{
    private sealed record DemoTeam(string Name, string BusinessUnit, string EntraGroupId, string GroupName, string Description, string Channel)
    {
        public string ContactEmail => $"{Name.ToLowerInvariant()}-security@contoso.example";
    }

    /// <summary>What the Security Team records about an application the demo namespaces run; its owner is the namespace's team.</summary>
    private sealed record DemoApplication(string Name, string Description, DataClassification Classification, string? RegulatoryScope, bool IsVendorProduct = false, string? RequiredPrivileges = null);

    private sealed record DemoCluster(string Name, ClusterProvider Provider, string Environment, string Region, string Account, string Vpc, TenancyModel Tenancy, bool Managed, string BusinessUnit, (string Namespace, string Team, string Application)[] Namespaces);

    /// <param name="Scope">What the push fully describes; null derives it from the report (image repository, cluster…).</param>
    private sealed record DemoPush(string Fixture, string Cluster, string? Team, string Pipeline, string? Scope = null);

    private static readonly DemoTeam[] Teams =
    [
        new("Payroll", "HR", "6f1c2d9e-0000-4000-8000-000000000101", "sg-k8p-payroll",
            "Runs the monthly payroll engine and employee tax filings.", "#payroll-engineering"),
        new("Recruiting", "HR", "6f1c2d9e-0000-4000-8000-000000000102", "sg-k8p-recruiting",
            "Applicant tracking and the careers site back end.", "#recruiting-tech"),
        new("Payments", "Finance", "6f1c2d9e-0000-4000-8000-000000000201", "sg-k8p-payments",
            "Card and SEPA payment processing for every storefront.", "https://teams.microsoft.com/l/channel/19%3apayments-sec%40thread.tacv2/Payments%20Security"),
        new("Ledger", "Finance", "6f1c2d9e-0000-4000-8000-000000000202", "sg-k8p-ledger",
            "The general ledger and month-end close.", "#ledger-oncall"),
        new("Campaigns", "Marketing", "6f1c2d9e-0000-4000-8000-000000000301", "sg-k8p-campaigns",
            "Campaign management, e-mail journeys and landing pages.", "#campaigns-dev"),
        new("Storefront", "Digital", "6f1c2d9e-0000-4000-8000-000000000401", "sg-k8p-storefront",
            "The web shop customers buy from, in every region.", "https://contoso.slack.com/archives/C04STOREFRONT"),
        new("Platform", "Technology", "6f1c2d9e-0000-4000-8000-000000000501", "sg-k8p-platform",
            "The Kubernetes platform: clusters, ingress, CI runners and shared cluster services.", "#platform-k8s"),
    ];

    private static readonly DemoApplication[] Applications =
    [
        new("payments-api", "Authorises and settles card payments.", DataClassification.Restricted, "PCI-DSS, GDPR"),
        new("general-ledger", "Double-entry ledger behind the financial statements.", DataClassification.Confidential, "SOX"),
        new("ingress", "Shared NGINX ingress controller.", DataClassification.Internal, null, IsVendorProduct: true,
            RequiredPrivileges: "NET_BIND_SERVICE; reads Secrets and Ingresses cluster-wide"),
        new("cluster-services", "CoreDNS, CNI and the other kube-system components.", DataClassification.Internal, null, IsVendorProduct: true,
            RequiredPrivileges: "privileged DaemonSets, host network"),
        new("web-shop", "The customer-facing storefront.", DataClassification.Confidential, "GDPR"),
        new("campaign-manager", "Segments, journeys and campaign analytics.", DataClassification.Confidential, "GDPR"),
        new("posture-scanner", "Kubescape, scanning the cluster's configuration.", DataClassification.Internal, null, IsVendorProduct: true,
            RequiredPrivileges: "cluster-wide read of every resource"),
        new("payroll-engine", "Salary calculation and payslips.", DataClassification.Restricted, "GDPR, SOX"),
        new("applicant-tracking", "Vendor applicant tracking system.", DataClassification.Confidential, "GDPR", IsVendorProduct: true),
        new("ci-runners", "Self-hosted CI runners that build every team's images.", DataClassification.Internal, null,
            RequiredPrivileges: "privileged pods for container builds"),
    ];

    private static readonly DemoCluster[] Clusters =
    [
        new("prod-aks-weu", ClusterProvider.Aks, "production", "westeurope", "sub-finance-prod", "vnet-prod-weu/snet-aks", TenancyModel.SharedHardIsolation, true, "Finance",
            [("payments", "Payments", "payments-api"), ("ledger", "Ledger", "general-ledger"), ("ingress-nginx", "Platform", "ingress"), ("default", "Payments", "payments-api"), ("kube-system", "Platform", "cluster-services")]),
        new("prod-eks-use1", ClusterProvider.Eks, "production", "us-east-1", "aws-111122223333", "vpc-0a1b2c3d/private", TenancyModel.SharedStandard, true, "Digital",
            [("storefront", "Storefront", "web-shop"), ("campaigns", "Campaigns", "campaign-manager"), ("default", "Storefront", "web-shop"), ("kubescape", "Platform", "posture-scanner")]),
        new("hr-aks-neu", ClusterProvider.Aks, "production", "northeurope", "sub-hr-prod", "vnet-hr/snet-aks", TenancyModel.SingleTenant, true, "HR",
            [("payroll", "Payroll", "payroll-engine"), ("recruiting", "Recruiting", "applicant-tracking"), ("default", "Payroll", "payroll-engine")]),
        new("stage-gke-euw1", ClusterProvider.Gke, "staging", "europe-west1", "gcp-digital-stage", "vpc-stage/gke-subnet", TenancyModel.SharedStandard, true, "Digital",
            [("storefront-stage", "Storefront", "web-shop"), ("campaigns-stage", "Campaigns", "campaign-manager"), ("default", "Campaigns", "campaign-manager")]),
        new("dc1-openshift", ClusterProvider.OpenShift, "production", "dc1", "on-premises", "dc1-vlan-220", TenancyModel.SharedStandard, true, "Technology",
            [("platform-tools", "Platform", "ci-runners"), ("default", "Platform", "ci-runners")]),
        new("lab-rancher-unregistered", ClusterProvider.Rancher, "unknown", "dc2", "unknown", "dc2-lab", TenancyModel.Unknown, false, "Technology", []),
    ];

    private static readonly DemoPush[] Pushes =
    [
        new("trivy/ubuntu-1804.json.golden", "prod-aks-weu", "Payments", "payments-api/main"),
        new("trivy/ubuntu-1804.json.golden", "hr-aks-neu", "Payroll", "payroll-engine/main"),
        new("trivy/ubuntu-1804.json.golden", "stage-gke-euw1", "Storefront", "web-shop/release"),
        new("trivy/alpine-310.json.golden", "prod-eks-use1", "Storefront", "web-shop/main"),
        new("trivy/alpine-310.json.golden", "prod-aks-weu", "Ledger", "general-ledger/main"),
        new("trivy/alpine-310.json.golden", "hr-aks-neu", "Recruiting", "applicant-tracking/main"),
        new("trivy/debian-buster.json.golden", "prod-eks-use1", "Campaigns", "campaign-manager/main"),
        new("trivy/debian-buster.json.golden", "dc1-openshift", "Platform", "ci-runners/main"),
        new("trivy/trivy-0.72.0-alpine-3.10-image.json", "prod-aks-weu", "Platform", "ingress/main"),
        new("trivy/trivy-0.72.0-alpine-3.10-image.json", "stage-gke-euw1", "Campaigns", "campaign-manager/release"),
        new("trivy/helm_testchart.json.golden", "prod-eks-use1", "Storefront", "web-shop-chart/main"),
        new("trivy/helm_testchart.json.golden", "prod-aks-weu", "Payments", "payments-chart/main"),
        new("trivy/secrets.json.golden", "dc1-openshift", "Platform", "ci-runners-repo/main"),
        new("trivy/secrets.json.golden", "hr-aks-neu", "Payroll", "payroll-engine-repo/main"),
        new("trivy/alpine-310.sarif.golden", "stage-gke-euw1", "Campaigns", "campaign-manager-sarif/main"),
        new("grype/grype-0.66.0-keycloak-21.0.2.json", "dc1-openshift", "Platform", "identity/main"),
        new("grype/defectdojo-grype-0.28.0-debian10.json", "prod-eks-use1", "Storefront", "web-shop-base/main"),
        // Cluster-wide reports: no team, so each finding is owned through its namespace's owner.
        new("kube-bench/kube-bench-cis-1.6-kind-full.json", "prod-aks-weu", null, "cis-benchmark/nightly", "cluster:prod-aks-weu"),
        new("kubescape/defectdojo-kubescape-many-findings.json", "prod-eks-use1", null, "kubescape/nightly", "cluster:prod-eks-use1"),
        new("trivy/defectdojo-trivy-k8s-eks-cluster.json", "prod-eks-use1", null, "trivy-k8s/nightly", "cluster:prod-eks-use1"),
        new("trivy-operator/defectdojo-configauditreport-nginx.json", "prod-aks-weu", null, "trivy-operator", "cluster:prod-aks-weu/config-audit"),
        new("trivy-operator/defectdojo-vulnerabilityreport-nginx-alpine.json", "prod-aks-weu", null, "trivy-operator", "cluster:prod-aks-weu/vulnerabilities"),
        new("trivy-operator/rbacassessmentreport-role-docs.yaml", "hr-aks-neu", null, "trivy-operator", "cluster:hr-aks-neu/rbac"),
        new("kyverno/kyverno-policyreport-v1beta1-sample.yaml", "stage-gke-euw1", null, "kyverno", "cluster:stage-gke-euw1/kyverno"),
        new("policyreport/trivy-adapter-policyreport-zipkin.yaml", "dc1-openshift", null, "trivy-adapter", "cluster:dc1-openshift/trivy-adapter"),
    ];

    /// <summary>
    /// Pushes of the list above that are scanned again after the team upgraded packages: the re-scan leaves out every
    /// second vulnerability that has a fixed version, so those close through the normal lifecycle and the landscape has a
    /// remediation history (mean time to remediate, closed on time) from day one.
    /// </summary>
    private static readonly string[] RescannedAfterUpgrades =
        ["payments-api/main", "payroll-engine/main", "web-shop/main", "general-ledger/main", "campaign-manager/main", "ci-runners/main", "ingress/main"];

    public static string FixturesRoot => Path.Combine(AppContext.BaseDirectory, "src", "Features", "Demo", "Fixtures");

    /// <summary>Seeds only an empty database (no teams); returns whether it did.</summary>
    public static async Task<bool> SeedIfEmptyAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        provider.GetRequiredService<DataScope>().SetSystem("demo:seed");
        var clock = provider.GetRequiredService<TimeProvider>();
        var contexts = provider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Teams.AnyAsync(cancellationToken))
            {
                return false;
            }
            var units = Teams.Select(t => t.BusinessUnit).Concat(Clusters.Select(c => c.BusinessUnit)).Distinct()
                .ToDictionary(name => name, name => new BusinessUnit { Name = name });
            var teams = Teams.ToDictionary(t => t.Name, t => new Team
            {
                Name = t.Name,
                BusinessUnit = units[t.BusinessUnit],
                Description = t.Description,
                ContactEmail = t.ContactEmail,
                ChatChannel = t.Channel,
                Groups = [new TeamGroup { EntraGroupId = t.EntraGroupId, DisplayName = t.GroupName }],
            });
            db.BusinessUnits.AddRange(units.Values);
            db.Teams.AddRange(teams.Values);
            db.Clusters.AddRange(Clusters.Select(c => new Cluster
            {
                Name = c.Name,
                Provider = c.Provider,
                Environment = c.Environment,
                Region = c.Region,
                CloudAccount = c.Account,
                Vpc = c.Vpc,
                Tenancy = c.Tenancy,
                IsManaged = c.Managed,
                BusinessUnit = units[c.BusinessUnit],
                CreatedAt = clock.GetUtcNow(),
                Namespaces = c.Namespaces.Select(n => new ClusterNamespace { Name = n.Namespace, OwnerTeam = teams[n.Team], Application = n.Application }).ToList(),
            }));
            db.Applications.AddRange(DemoApplications(teams));
            await db.SaveChangesAsync(cancellationToken);
        }

        var ingestor = provider.GetRequiredService<ScanIngestor>();
        foreach (var push in Pushes)
        {
            var payload = await File.ReadAllBytesAsync(Path.Combine(FixturesRoot, push.Fixture), cancellationToken);
            // The test images share one repository (only their tags differ), so each application gets its own scope.
            var pushScope = push.Scope ?? $"cluster:{push.Cluster}/app:{push.Pipeline.Split('/')[0]}";
            await ingestor.IngestAsync(payload, new ScanPushOptions(Cluster: push.Cluster, Scope: pushScope, Team: push.Team, Pipeline: push.Pipeline, Commit: "demo"), cancellationToken);
            if (RescannedAfterUpgrades.Contains(push.Pipeline))
            {
                await ingestor.IngestAsync(WithoutHalfTheFixable(payload),
                    new ScanPushOptions(Cluster: push.Cluster, Scope: pushScope, Team: push.Team, Pipeline: push.Pipeline, Commit: "demo-upgrade"), cancellationToken);
            }
        }

        foreach (var contributor in provider.GetServices<IDemoSeedContributor>().OrderBy(c => c.Order))
        {
            await contributor.SeedAsync(provider, cancellationToken);
        }

        await DemoPersonas.RunJobAsync<LandscapeSnapshotJob>(provider, job => job.RunAsync(cancellationToken));
        return true;
    }

    /// <summary>One application per distinct application the demo namespaces name, owned by the team owning its first namespace.</summary>
    private static IEnumerable<Application> DemoApplications(IReadOnlyDictionary<string, Team> teams)
    {
        var traits = Applications.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var (name, team) in Clusters.SelectMany(c => c.Namespaces).DistinctBy(n => n.Application).Select(n => (n.Application, n.Team)))
        {
            var known = traits.GetValueOrDefault(name) ?? new DemoApplication(name, $"Runs in the {team} team's namespaces.", DataClassification.Internal, null);
            yield return new Application
            {
                Name = name,
                Team = teams[team],
                Description = known.Description,
                DataClassification = known.Classification,
                RegulatoryScope = known.RegulatoryScope,
                IsVendorProduct = known.IsVendorProduct,
                RequiredPrivileges = known.RequiredPrivileges,
            };
        }
    }

    /// <summary>A Trivy JSON report with every second vulnerability that has a fixed version removed.</summary>
    private static byte[] WithoutHalfTheFixable(byte[] trivyReport)
    {
        var report = System.Text.Json.Nodes.JsonNode.Parse(trivyReport)!;
        var fixable = 0;
        foreach (var result in report["Results"]?.AsArray() ?? [])
        {
            if (result?["Vulnerabilities"] is System.Text.Json.Nodes.JsonArray vulnerabilities)
            {
                var upgraded = vulnerabilities.Where(v => v?["FixedVersion"]?.GetValue<string>() is { Length: > 0 } && fixable++ % 2 == 0).ToList();
                foreach (var vulnerability in upgraded)
                {
                    vulnerabilities.Remove(vulnerability);
                }
            }
        }
        return System.Text.Encoding.UTF8.GetBytes(report.ToJsonString());
    }
}
