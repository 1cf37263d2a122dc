using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Intel;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Features.Clusters;

/// <summary>
/// Exposure from a collected cluster (Ingress → Service → Deployment, through the fake API server) into the findings'
/// priority, and Trivy Operator SbomReports into "where is it running?", on the real app and database file.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class ClusterExposureFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    private const string NginxReport = "trivy-operator/vulnerabilityreport-nginx-docs.yaml";
    private const string NginxReplicaSet = "nginx-6d4cf56db6";
    private const string WorkerReplicaSet = "worker-5c8f7d9b4";
    private const string SbomReport = "trivy-operator/sbomreport-kube-apiserver-docs.yaml";

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonObject Meta(string name, string ns = "default", JsonObject? extra = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
        foreach (var (key, value) in extra ?? new JsonObject())
        {
            meta[key] = value?.DeepClone();
        }
        return meta;
    }

    private static JsonObject Template(JsonObject labels, string image) => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = labels },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
    };

    private static JsonObject Deployment(string name, JsonObject labels, string image) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = Meta(name),
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() }, ["template"] = Template(labels, image) },
    };

    private static JsonObject ReplicaSet(string name, string deployment, JsonObject labels, string image)
    {
        var hash = name[(deployment.Length + 1)..];
        var templateLabels = labels.DeepClone().AsObject();
        templateLabels["pod-template-hash"] = hash;
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = Meta(name, extra: new JsonObject
            {
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment, ["controller"] = true, ["uid"] = Guid.NewGuid().ToString() }),
            }),
            ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["matchLabels"] = templateLabels.DeepClone() }, ["template"] = Template(templateLabels, image) },
        };
    }

    private static JsonObject Service(string name, string type, JsonObject? selector)
    {
        var spec = new JsonObject { ["type"] = type, ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }) };
        if (selector is not null)
        {
            spec["selector"] = selector;
        }
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = Meta(name), ["spec"] = spec };
    }

    private static JsonObject Ingress(string name, string host, string service) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = Meta(name),
        ["spec"] = new JsonObject
        {
            ["rules"] = new JsonArray(new JsonObject
            {
                ["host"] = host,
                ["http"] = new JsonObject
                {
                    ["paths"] = new JsonArray(new JsonObject
                    {
                        ["path"] = "/",
                        ["pathType"] = "Prefix",
                        ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = service, ["port"] = new JsonObject { ["number"] = 80 } } },
                    }),
                },
            }),
        },
    };

    /// <summary>The nginx VulnerabilityReport fixture, as the report of the worker's ReplicaSet running an image of its own (a vulnerability's identity is its image, not its workload).</summary>
    private static JsonObject WorkerReport()
    {
        using var documents = KubernetesDocuments.Parse(TestFixtures.Read(NginxReport), "fixture");
        var report = JsonNode.Parse(documents.Objects.Single().Element.GetRawText())!.AsObject();
        report["metadata"]!["name"] = $"replicaset-{WorkerReplicaSet}-app";
        report["metadata"]!["labels"]!["trivy-operator.resource.name"] = WorkerReplicaSet;
        report["metadata"]!["labels"]!["trivy-operator.container.name"] = "app";
        report["metadata"]!["ownerReferences"]![0]!["name"] = WorkerReplicaSet;
        report["report"]!["artifact"]!["repository"] = "team/worker";
        return report;
    }

    private async Task<(FakeKubernetesApi Fake, int ClusterId, string Scope)> CollectedShopAsync(JsonObject? httpRoute = null)
    {
        var teamName = Unique("shop-team");
        await app.SeedTeamAsync(teamName);
        var nginx = new JsonObject { ["app"] = "nginx", ["tier"] = "web" };
        var worker = new JsonObject { ["app"] = "worker" };
        var fake = new FakeKubernetesApi()
            .InstallCrds("aquasecurity.github.io")
            .AddNamespace("default", teamName)
            .Add(Deployment("nginx", nginx, "nginx:1.16"))
            .Add(ReplicaSet(NginxReplicaSet, "nginx", nginx, "nginx:1.16"))
            .Add(Deployment("worker", worker, "team/worker:1.16"))
            .Add(ReplicaSet(WorkerReplicaSet, "worker", worker, "team/worker:1.16"))
            .Add(Service("web", "ClusterIP", new JsonObject { ["app"] = "nginx" }))
            .Add(Service("worker", "ClusterIP", new JsonObject { ["app"] = "worker" }))
            // Rule K8P-SVC-001 fires on it; for a cluster never collected it would have marked the whole namespace exposed.
            .Add(Service("legacy-lb", "LoadBalancer", null))
            .Add(Ingress("shop", "shop.example.com", "web"))
            .AddFixtures(NginxReport)
            .Add(WorkerReport());
        if (httpRoute is not null)
        {
            fake.InstallCrds("gateway.networking.k8s.io").Add(httpRoute);
        }
        await fake.StartAsync();
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var name = Unique("exposure");
        var response = await client.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        var result = await RunJobAsync(clusterId);
        Assert.True(result.Succeeded, result.Error);
        return (fake, clusterId, "cluster:" + name);
    }

    private Task<ClusterCollectionResult> RunJobAsync(int clusterId) =>
        app.AsJobAsync(services => services.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None));

    private Task<List<Finding>> VulnerabilitiesOfAsync(string scope, string replicaSet) => app.WithDbAsync(db => db.Findings.AsNoTracking()
        .Where(f => f.ScopeKey == scope && f.Category == FindingCategory.Vulnerability && f.ResourceKind == "ReplicaSet" && f.ResourceName == replicaSet)
        .OrderBy(f => f.VulnerabilityId).ToListAsync());

    [Fact]
    public async Task An_ingress_to_a_service_selecting_a_deployment_exposes_its_findings_and_not_those_of_another_deployment_in_the_namespace()
    {
        var (fake, clusterId, scope) = await CollectedShopAsync();
        await using var _ = fake;

        var exposed = await app.WithDbAsync(db => db.ExposedWorkloads.AsNoTracking().Where(x => x.ClusterId == clusterId)
            .OrderBy(x => x.WorkloadKind).Select(x => new { x.NamespaceName, x.WorkloadKind, x.WorkloadName, x.Via, x.Detail }).ToListAsync());
        Assert.Equal(
        [
            new { NamespaceName = "default", WorkloadKind = "Deployment", WorkloadName = "nginx", Via = ExposureKind.Ingress, Detail = "Ingress shop.example.com/ → svc/web" },
            new { NamespaceName = "default", WorkloadKind = "ReplicaSet", WorkloadName = NginxReplicaSet, Via = ExposureKind.Ingress, Detail = "Ingress shop.example.com/ → svc/web" },
        ], exposed);
        Assert.NotNull(await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Id == clusterId).Select(c => c.ExposureCollectedAt).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.Findings.AsNoTracking().AnyAsync(f => f.ScopeKey == scope && f.RuleId == IntelRescorer.ExposedServiceRule
            && f.ResourceName == "legacy-lb" && f.Status == FindingStatus.Open)));

        // The exposed deployment's vulnerabilities (Trivy Operator reports them on its ReplicaSet): critical 30 + exposed 8 (+ fix 4).
        var nginx = await VulnerabilitiesOfAsync(scope, NginxReplicaSet);
        Assert.Equal(["CVE-2018-25009", "CVE-2019-20367"], nginx.Select(f => f.VulnerabilityId));
        Assert.All(nginx, f => Assert.True(f.Exposed, f.VulnerabilityId));
        Assert.Equal([38, 42], nginx.Select(f => f.Priority));
        // The other deployment in the same namespace, behind a ClusterIP service only: not exposed, 8 points lower.
        var worker = await VulnerabilitiesOfAsync(scope, WorkerReplicaSet);
        Assert.Equal(["CVE-2018-25009", "CVE-2019-20367"], worker.Select(f => f.VulnerabilityId));
        Assert.All(worker, f => Assert.False(f.Exposed, f.VulnerabilityId));
        Assert.Equal([30, 34], worker.Select(f => f.Priority));
        // The built-in rules' findings on the Deployments follow the same split.
        var ruleFindings = await app.WithDbAsync(db => db.Findings.AsNoTracking()
            .Where(f => f.ScopeKey == scope && f.ResourceKind == "Deployment" && f.Status == FindingStatus.Open).ToListAsync());
        Assert.Contains(ruleFindings, f => f.ResourceName == "nginx");
        Assert.All(ruleFindings, f => Assert.Equal(f.ResourceName == "nginx", f.Exposed));

        // What the finding's priority explanation says.
        var ways = await app.WithDbAsync(db => WorkloadExposureStore.DescribeAsync(db, nginx[1], CancellationToken.None));
        Assert.Equal(["Ingress shop.example.com/ → svc/web"], ways);
        Assert.Equal("yes — Ingress shop.example.com/ → svc/web", ExposureExplanation.Of(nginx[1].Exposed, ways, clusterCollected: true));

        // The Ingress is deleted: the next collection takes the exposure away from the findings it had (no hourly re-score needed).
        Assert.Equal(1, fake.Remove(o => (string?)o["kind"] == "Ingress"));
        var again = await RunJobAsync(clusterId);
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(0, await app.WithDbAsync(db => db.ExposedWorkloads.AsNoTracking().CountAsync(x => x.ClusterId == clusterId)));
        var after = await VulnerabilitiesOfAsync(scope, NginxReplicaSet);
        Assert.All(after, f => Assert.False(f.Exposed, f.VulnerabilityId));
        Assert.Equal([30, 34], after.Select(f => f.Priority));
    }

    [Fact]
    public async Task The_full_rescore_keeps_a_collected_clusters_exposure_per_workload_and_ignores_its_namespace_wide_service_finding()
    {
        var (fake, _, scope) = await CollectedShopAsync();
        await using var _ = fake;

        await app.AsSystemAsync(services => services.GetRequiredService<IntelFeedLoader>().RescoreAsync(CancellationToken.None));

        Assert.All(await VulnerabilitiesOfAsync(scope, NginxReplicaSet), f => Assert.True(f.Exposed, f.VulnerabilityId));
        Assert.All(await VulnerabilitiesOfAsync(scope, WorkerReplicaSet), f => Assert.False(f.Exposed, f.VulnerabilityId));
    }

    [Fact]
    public async Task An_http_route_of_the_gateway_api_exposes_the_workload_its_backend_service_selects()
    {
        var route = JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"jobs","namespace":"default"},
             "spec":{"parentRefs":[{"name":"public-gateway"}],"hostnames":["jobs.example.com"],
              "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/api"}}],"backendRefs":[{"name":"worker","port":80}]}]}}
            """)!.AsObject();
        var (fake, clusterId, scope) = await CollectedShopAsync(route);
        await using var _ = fake;

        var viaRoute = await app.WithDbAsync(db => db.ExposedWorkloads.AsNoTracking().Where(x => x.ClusterId == clusterId && x.Via == ExposureKind.HttpRoute)
            .OrderBy(x => x.WorkloadKind).Select(x => x.WorkloadKind + "/" + x.WorkloadName + ": " + x.Detail).ToListAsync());
        Assert.Equal(["Deployment/worker: HTTPRoute jobs.example.com/api → svc/worker", $"ReplicaSet/{WorkerReplicaSet}: HTTPRoute jobs.example.com/api → svc/worker"], viaRoute);
        Assert.All(await VulnerabilitiesOfAsync(scope, WorkerReplicaSet), f => Assert.True(f.Exposed, f.VulnerabilityId));
        Assert.Equal(1, fake.Requests.Count(r => r.Path == "/apis/gateway.networking.k8s.io/v1/httproutes"));
    }

    [Fact]
    public async Task A_cluster_running_only_the_operator_answers_where_a_package_runs_from_its_sbom_reports()
    {
        await using var fake = await new FakeKubernetesApi()
            .InstallCrds("aquasecurity.github.io")
            .AddNamespace("kube-system")
            .AddFixtures(SbomReport)
            .StartAsync();
        using var admin = app.CreateApiClient(await app.CreateApiKeyAsync("admin,read"));
        var name = Unique("sbom");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name, serverUrl = fake.Address.ToString(), token = fake.Token })).StatusCode);
        var clusterId = await app.WithDbAsync(db => db.Clusters.AsNoTracking().Where(c => c.Name == name).Select(c => c.Id).SingleAsync());

        var result = await RunJobAsync(clusterId);

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains("trivy-operator", result.OperatorSources);
        Assert.Equal(1, fake.Requests.Count(r => r.Path == "/apis/aquasecurity.github.io/v1alpha1/sbomreports"));
        using var reader = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        var response = await reader.GetAsync("/api/v1/packages?purl=" + Uri.EscapeDataString("pkg:deb/debian/base-files") + "&versionRange=" + Uri.EscapeDataString("<10.3+deb10u10"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var matches = JsonDocument.Parse(text).RootElement.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("cluster").GetString() == name).ToList();
        var match = Assert.Single(matches);
        Assert.Equal(("kube-system", "Pod", "kube-apiserver-kind-control-plane", "kube-apiserver", "k8s.gcr.io/kube-apiserver:v1.21.1", "10.3+deb10u9", "GPL-3.0"),
            (match.GetProperty("namespace").GetString(), match.GetProperty("workloadKind").GetString(), match.GetProperty("workloadName").GetString(),
             match.GetProperty("container").GetString(), match.GetProperty("image").GetString(), match.GetProperty("componentVersion").GetString(),
             match.GetProperty("licences").GetString()));
        // Out of the range: nothing.
        var none = await reader.GetStringAsync("/api/v1/packages?purl=" + Uri.EscapeDataString("pkg:deb/debian/base-files") + "&versionRange=" + Uri.EscapeDataString("<10.3+deb10u9"));
        Assert.DoesNotContain(name, none, StringComparison.Ordinal);
        var image = await app.WithDbAsync(db => db.SbomImages.AsNoTracking().SingleAsync(i => i.ImageKey == "k8s.gcr.io/kube-apiserver:v1.21.1"));
        Assert.Equal(("trivy-operator", "CycloneDX 1.4", 4), (image.Source, image.SbomFormat, image.ComponentCount));

        // The next collection reads the same report again: the image's components are kept as they are, not rewritten and audited again.
        var componentIds = await app.WithDbAsync(db => db.SoftwareComponents.AsNoTracking().Where(c => c.SbomImageId == image.Id).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        Assert.True((await RunJobAsync(clusterId)).Succeeded);
        Assert.Equal(componentIds, await app.WithDbAsync(db => db.SoftwareComponents.AsNoTracking().Where(c => c.SbomImageId == image.Id).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().CountAsync(a => a.Action == "sbom.components" && a.EntityId == image.Id.ToString())));
    }
}
