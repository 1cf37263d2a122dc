using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using k8s;
using k8s.Models;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Packages;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;
using K8Posture.Shared;

namespace K8Posture.Features.Clusters;

public sealed record ClusterCollectionResult(bool Succeeded, string? Error, IReadOnlyDictionary<string, int> Counts, int RuleFindings, IReadOnlyList<string> OperatorSources);

/// <summary>
/// Pulls one cluster (docs/ARCHITECTURE.md, Data flow: a cluster collection): paged lists (limit 500 + continue) of the inventory, namespace owners by the
/// Security Team's ownership rules, Trivy Operator and PolicyReport CRDs through the scan ingestor, and the built-in rules through the
/// FindingStore, all with scope <c>cluster:&lt;name&gt;</c>. A cluster that fails records its error and the job returns;
/// only the database failing makes Hangfire retry.
/// </summary>
public sealed class ClusterCollectionJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    ClusterConnections connections,
    ScanIngestor ingestor,
    ClusterRuleFindings ruleFindingsWriter,
    PackageInventoryStore packageInventory,
    WorkloadExposureStore exposureStore,
    Intel.IntelFeedLoader intel,
    PolicyStore policies,
    AuditLog audit,
    TimeProvider clock,
    ILogger<ClusterCollectionJob> logger)
{
    public const int PageSize = 500;
    public const string RulesSource = ClusterRuleFindings.Source;

    private static readonly (string Group, string Version, string Plural, string Kind)[] TrivyReports =
    [
        ("aquasecurity.github.io", "v1alpha1", "vulnerabilityreports", "VulnerabilityReport"),
        ("aquasecurity.github.io", "v1alpha1", "configauditreports", "ConfigAuditReport"),
        ("aquasecurity.github.io", "v1alpha1", "exposedsecretreports", "ExposedSecretReport"),
        ("aquasecurity.github.io", "v1alpha1", "rbacassessmentreports", "RbacAssessmentReport"),
        ("aquasecurity.github.io", "v1alpha1", "infraassessmentreports", "InfraAssessmentReport"),
        ("aquasecurity.github.io", "v1alpha1", "clusterrbacassessmentreports", "ClusterRbacAssessmentReport"),
        ("aquasecurity.github.io", "v1alpha1", "clusterconfigauditreports", "ClusterConfigAuditReport"),
        ("aquasecurity.github.io", "v1alpha1", "clusterinfraassessmentreports", "ClusterInfraAssessmentReport"),
        ("aquasecurity.github.io", "v1alpha1", "clustervulnerabilityreports", "ClusterVulnerabilityReport"),
        ("aquasecurity.github.io", "v1alpha1", "sbomreports", "SbomReport"),
        ("aquasecurity.github.io", "v1alpha1", "clustersbomreports", "ClusterSbomReport"),
    ];

    private static readonly (string Group, string Version, string Plural, string Kind)[] HttpRoutes =
    [
        ("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute"),
    ];

    private static readonly (string Group, string Version, string Plural, string Kind)[] PolicyReports =
    [
        ("wgpolicyk8s.io", "v1alpha2", "policyreports", "PolicyReport"),
        ("wgpolicyk8s.io", "v1alpha2", "clusterpolicyreports", "ClusterPolicyReport"),
    ];

    // One refresh per cluster at a time (the lock resource is formatted with the cluster id); clusters run in parallel.
    [DisableConcurrentExecution("cluster-refresh:{0}", 900)]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [60, 300, 900])]
    public async Task<ClusterCollectionResult> RunAsync(int clusterId, CancellationToken cancellationToken)
    {
        scope.SetSystem("job:cluster-refresh");
        var started = Stopwatch.StartNew();
        Cluster? cluster;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            cluster = await db.Clusters.FirstOrDefaultAsync(c => c.Id == clusterId, cancellationToken);
            if (cluster?.ConnectionSecretProtected is null)
            {
                logger.LogWarning("Cluster {ClusterId} has no connection; nothing collected", clusterId);
                return new ClusterCollectionResult(false, "No connection registered.", new Dictionary<string, int>(), 0, []);
            }
            cluster.LastAttemptAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        ClusterConnectionSecret? secret = null;
        try
        {
            secret = connections.Unprotect(cluster.ConnectionSecretProtected);
            var config = ClusterConnections.BuildConfiguration(secret, cluster.ServerUrl, cluster.KubeconfigContext);
            var result = await CollectAsync(cluster, config, cancellationToken);
            await RecordAsync(clusterId, started, null, result.Counts, result.ServerVersion, cancellationToken);
            logger.LogInformation("Cluster {Cluster} collected in {Ms} ms: {Counts}", cluster.Name, started.ElapsedMilliseconds, result.Counts);
            return new ClusterCollectionResult(true, null, result.Counts, result.RuleFindings, result.OperatorSources);
        }
        // The database failing is not the cluster's fault: Hangfire retries the whole collection with backoff.
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested && ex is not DbUpdateException && DatabaseFaults.Classify(ex) is null)
        {
            var error = ClusterConnections.Describe(ex, secret);
            logger.LogWarning("Cluster {Cluster} collection failed: {Error}", cluster.Name, error);
            await RecordAsync(clusterId, started, error, null, null, cancellationToken);
            return new ClusterCollectionResult(false, error, new Dictionary<string, int>(), 0, []);
        }
    }

    private sealed record Collected(Dictionary<string, int> Counts, string? ServerVersion, int RuleFindings, List<string> OperatorSources);

    private async Task<Collected> CollectAsync(Cluster cluster, KubernetesClientConfiguration config, CancellationToken ct)
    {
        using var client = new Kubernetes(config);
        var version = await Call(c => client.Version.GetCodeAsync(c), ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var evaluated = new List<JsonElement>();

        var namespaces = await ListAllAsync<V1NamespaceList, V1Namespace>("v1", "Namespace", (t, c) => client.CoreV1.ListNamespaceAsync(limit: PageSize, continueParameter: t, cancellationToken: c), ct);
        counts["namespaces"] = namespaces.Count;
        evaluated.AddRange(namespaces.Select(n => n.Json));

        async Task Add<TList, TItem>(string key, string apiVersion, string kind, Func<string?, CancellationToken, Task<TList>> call, Func<TItem, bool>? evaluate = null)
            where TList : IItems<TItem>, IMetadata<V1ListMeta>
            where TItem : IKubernetesObject<V1ObjectMeta>
        {
            counts[key] = await ListEachAsync<TList, TItem>(apiVersion, kind, call, evaluate, evaluated, ct);
        }

        // Pods made by a controller are judged through the controller; bare pods on their own. Every pod tells which images run where.
        var workloadImages = new List<ObservedWorkloadImage>();
        // Which workload a Service, Ingress or HTTPRoute reaches is decided by the pod templates, so every workload kind is
        // handed over as it is paged; ReplicaSets too, because Trivy Operator reports a Deployment's pods under its ReplicaSet.
        var exposure = new WorkloadExposureCollector();
        await Add<V1PodList, V1Pod>("pods", "v1", "Pod", (t, c) => client.CoreV1.ListPodForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            p =>
            {
                workloadImages.AddRange(PodImages.Of(p));
                var bare = p.Metadata?.OwnerReferences is not { Count: > 0 };
                if (bare)
                {
                    exposure.AddWorkload(p.Metadata?.NamespaceProperty, "Pod", p.Metadata?.Name, p.Metadata?.Labels, p.Spec);
                }
                return bare;
            });

        bool Workload(string kind, V1ObjectMeta? metadata, V1PodTemplateSpec? template, bool evaluate = true)
        {
            exposure.AddWorkload(metadata?.NamespaceProperty, kind, metadata?.Name, template?.Metadata?.Labels, template?.Spec);
            return evaluate;
        }
        await Add<V1DeploymentList, V1Deployment>("deployments", "apps/v1", "Deployment", (t, c) => client.AppsV1.ListDeploymentForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            d => Workload("Deployment", d.Metadata, d.Spec?.Template));
        await Add<V1ReplicaSetList, V1ReplicaSet>("replicasets", "apps/v1", "ReplicaSet", (t, c) => client.AppsV1.ListReplicaSetForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            r => Workload("ReplicaSet", r.Metadata, r.Spec?.Template, evaluate: false));
        await Add<V1StatefulSetList, V1StatefulSet>("statefulsets", "apps/v1", "StatefulSet", (t, c) => client.AppsV1.ListStatefulSetForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            s => Workload("StatefulSet", s.Metadata, s.Spec?.Template));
        await Add<V1DaemonSetList, V1DaemonSet>("daemonsets", "apps/v1", "DaemonSet", (t, c) => client.AppsV1.ListDaemonSetForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            d => Workload("DaemonSet", d.Metadata, d.Spec?.Template));
        await Add<V1JobList, V1Job>("jobs", "batch/v1", "Job", (t, c) => client.BatchV1.ListJobForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            j => Workload("Job", j.Metadata, j.Spec?.Template, evaluate: j.Metadata?.OwnerReferences is not { Count: > 0 }));
        await Add<V1CronJobList, V1CronJob>("cronjobs", "batch/v1", "CronJob", (t, c) => client.BatchV1.ListCronJobForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            j => Workload("CronJob", j.Metadata, j.Spec?.JobTemplate?.Spec?.Template));
        await Add<V1ServiceList, V1Service>("services", "v1", "Service", (t, c) => client.CoreV1.ListServiceForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            s =>
            {
                exposure.AddService(s);
                return true;
            });
        await Add<V1IngressList, V1Ingress>("ingresses", "networking.k8s.io/v1", "Ingress", (t, c) => client.NetworkingV1.ListIngressForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c),
            i =>
            {
                exposure.AddIngress(i);
                return false;
            });
        if (await ListCustomObjectsAsync(client, HttpRoutes, ct) is { } routes)
        {
            counts["httproutes"] = routes.Count;
            foreach (var route in routes)
            {
                using var document = JsonDocument.Parse(route.ToJsonString());
                exposure.AddHttpRoute(document.RootElement);
            }
        }
        await Add<V1NetworkPolicyList, V1NetworkPolicy>("networkpolicies", "networking.k8s.io/v1", "NetworkPolicy", (t, c) => client.NetworkingV1.ListNetworkPolicyForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1ServiceAccountList, V1ServiceAccount>("serviceaccounts", "v1", "ServiceAccount", (t, c) => client.CoreV1.ListServiceAccountForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1RoleList, V1Role>("roles", "rbac.authorization.k8s.io/v1", "Role", (t, c) => client.RbacAuthorizationV1.ListRoleForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1ClusterRoleList, V1ClusterRole>("clusterroles", "rbac.authorization.k8s.io/v1", "ClusterRole", (t, c) => client.RbacAuthorizationV1.ListClusterRoleAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1RoleBindingList, V1RoleBinding>("rolebindings", "rbac.authorization.k8s.io/v1", "RoleBinding", (t, c) => client.RbacAuthorizationV1.ListRoleBindingForAllNamespacesAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1ClusterRoleBindingList, V1ClusterRoleBinding>("clusterrolebindings", "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", (t, c) => client.RbacAuthorizationV1.ListClusterRoleBindingAsync(limit: PageSize, continueParameter: t, cancellationToken: c));
        await Add<V1NodeList, V1Node>("nodes", "v1", "Node", (t, c) => client.CoreV1.ListNodeAsync(limit: PageSize, continueParameter: t, cancellationToken: c), _ => false);

        var policy = await policies.GetCurrentAsync(ct);
        var owners = await UpsertNamespacesAsync(cluster.Id, cluster.Name, policy.Document.NamespaceOwnership, namespaces.Select(n => n.Item).ToList(), ct);

        // Before the operator's reports are ingested, so their new findings are scored with this collection's exposure.
        counts["exposedWorkloads"] = await exposureStore.ReplaceAsync(cluster.Id, exposure.Resolve(), owners, ct);

        var operatorSources = new List<string>();
        var scopeKey = "cluster:" + cluster.Name;
        foreach (var (reports, format) in new[] { (TrivyReports, TrivyOperatorParser.FormatName), (PolicyReports, PolicyReportParser.FormatName) })
        {
            var listed = await ListCustomObjectsAsync(client, reports, ct);
            if (listed is null)
            {
                continue;
            }
            counts[format + " reports"] = listed.Count;
            try
            {
                var payload = Encoding.UTF8.GetBytes(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. listed]) }.ToJsonString());
                var outcome = await ingestor.IngestAsync(payload, new ScanPushOptions(Format: format, Cluster: cluster.Name, Scope: scopeKey, Complete: true), ct);
                operatorSources.Add(outcome.Source);
            }
            catch (IngestRejectedException ex)
            {
                logger.LogWarning("Cluster {Cluster}: the {Format} reports were rejected: {Detail}", cluster.Name, format, ex.Message);
            }
        }

        counts["workloadImages"] = await packageInventory.ApplyCollectionAsync(cluster.Id, workloadImages, owners, ct);
        var ruleFindings = await ruleFindingsWriter.ApplyAsync(cluster, policy, evaluated, owners, ct);
        counts["ruleFindings"] = ruleFindings;
        // The cluster's open findings take this collection's exposure (and the feeds) now rather than at the hourly re-score.
        counts["findingsRescored"] = (await intel.RescoreClusterAsync(cluster.Id, ct)).FindingsScored;
        return new Collected(counts, version.GitVersion, ruleFindings, operatorSources);
    }

    /// <summary>Every object of a kind, page by page (limit + continue), each with its apiVersion/kind (lists omit them) as JSON.</summary>
    private static async Task<List<(TItem Item, JsonElement Json)>> ListAllAsync<TList, TItem>(string apiVersion, string kind, Func<string?, CancellationToken, Task<TList>> call, CancellationToken ct)
        where TList : IItems<TItem>, IMetadata<V1ListMeta>
        where TItem : IKubernetesObject
    {
        var all = new List<(TItem, JsonElement)>();
        await ForEachPageAsync<TList, TItem>(apiVersion, kind, call, item => all.Add((item, ToJson(item))), ct);
        return all;
    }

    /// <summary>
    /// Counts every object of a kind and keeps, as JSON only, those the rules judge; the typed objects of a page are
    /// dropped with the page, so a 10,000-pod cluster never holds its pods twice.
    /// </summary>
    private static async Task<int> ListEachAsync<TList, TItem>(string apiVersion, string kind, Func<string?, CancellationToken, Task<TList>> call, Func<TItem, bool>? evaluate, List<JsonElement> evaluated, CancellationToken ct)
        where TList : IItems<TItem>, IMetadata<V1ListMeta>
        where TItem : IKubernetesObject
    {
        var count = 0;
        await ForEachPageAsync<TList, TItem>(apiVersion, kind, call, item =>
        {
            count++;
            if (evaluate?.Invoke(item) ?? true)
            {
                evaluated.Add(ToJson(item));
            }
        }, ct);
        return count;
    }

    private static async Task ForEachPageAsync<TList, TItem>(string apiVersion, string kind, Func<string?, CancellationToken, Task<TList>> call, Action<TItem> each, CancellationToken ct)
        where TList : IItems<TItem>, IMetadata<V1ListMeta>
        where TItem : IKubernetesObject
    {
        string? token = null;
        do
        {
            var page = await Call(c => call(token, c), ct);
            foreach (var item in page.Items ?? [])
            {
                item.ApiVersion = apiVersion;
                item.Kind = kind;
                each(item);
            }
            token = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(token));
    }

    private static JsonElement ToJson<TItem>(TItem item)
    {
        using var document = JsonDocument.Parse(KubernetesJson.Serialize(item));
        return document.RootElement.Clone();
    }

    /// <summary>The reports of one operator, or null when none of its CRDs is installed (404).</summary>
    private static async Task<List<JsonNode>?> ListCustomObjectsAsync(Kubernetes client, (string Group, string Version, string Plural, string Kind)[] resources, CancellationToken ct)
    {
        List<JsonNode>? all = null;
        foreach (var (group, version, plural, kind) in resources)
        {
            string? token = null;
            try
            {
                do
                {
                    var page = await Call(c => client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(group, version, plural, limit: PageSize, continueParameter: token, cancellationToken: c), ct);
                    all ??= [];
                    if (page.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in items.EnumerateArray())
                        {
                            var node = JsonNode.Parse(item.GetRawText())!.AsObject();
                            node["apiVersion"] ??= group + "/" + version;
                            node["kind"] ??= kind;
                            all.Add(node);
                        }
                    }
                    token = page.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("continue", out var next) && next.ValueKind == JsonValueKind.String
                        ? next.GetString() : null;
                }
                while (!string.IsNullOrEmpty(token));
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // That CRD is not installed.
            }
        }
        return all;
    }

    private static async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ClusterConnections.CallTimeout);
        return await call(timeout.Token);
    }

    /// <summary>
    /// Adds new namespaces and removes those the cluster no longer has; the owner comes from the Security Team's ownership
    /// rules when they name a team, else the existing owner stays.
    /// </summary>
    private async Task<Dictionary<string, int>> UpsertNamespacesAsync(int clusterId, string clusterName, NamespaceOwnershipRules ownership, List<V1Namespace> namespaces, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Name, t => t.Id, StringComparer.OrdinalIgnoreCase, ct);
        var existing = await db.Namespaces.Where(n => n.ClusterId == clusterId).ToDictionaryAsync(n => n.Name, StringComparer.Ordinal, ct);
        var added = 0;
        var changedOwners = 0;
        foreach (var ns in namespaces)
        {
            var name = ns.Metadata?.Name;
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }
            int? owner = ownership.OwnerOf(clusterName, name, ns.Metadata?.Labels, ns.Metadata?.Annotations) is { } team && teams.TryGetValue(team, out var teamId) ? teamId : null;
            if (!existing.TryGetValue(name, out var row))
            {
                row = new ClusterNamespace { ClusterId = clusterId, Name = name.Length > 253 ? name[..253] : name, OwnerTeamId = owner };
                db.Namespaces.Add(row);
                existing[name] = row;
                added++;
            }
            else if (owner is not null && row.OwnerTeamId != owner)
            {
                row.OwnerTeamId = owner;
                changedOwners++;
            }
        }
        // The list was complete (every page read), so a namespace it lacks was deleted from the cluster.
        var listed = namespaces.Select(n => n.Metadata?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var vanished = existing.Where(e => !listed.Contains(e.Key)).ToList();
        foreach (var (name, row) in vanished)
        {
            db.Namespaces.Remove(row);
            existing.Remove(name);
        }
        if (added + changedOwners + vanished.Count > 0)
        {
            audit.Record(db, "cluster.namespaces", nameof(Cluster), clusterId.ToString(CultureInfo.InvariantCulture), after: new
            {
                Added = added,
                OwnersChanged = changedOwners,
                Removed = vanished.Select(v => v.Key).Order(StringComparer.Ordinal).Take(100).ToList(),
                RemovedCount = vanished.Count,
            });
            await db.SaveChangesAsync(ct);
        }
        return existing.Values.Where(n => n.OwnerTeamId is not null).ToDictionary(n => n.Name, n => n.OwnerTeamId!.Value, StringComparer.Ordinal);
    }

    private async Task RecordAsync(int clusterId, Stopwatch started, string? error, Dictionary<string, int>? counts, string? serverVersion, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var cluster = await db.Clusters.FirstAsync(c => c.Id == clusterId, ct);
        cluster.LastDurationMs = started.ElapsedMilliseconds;
        cluster.LastError = error;
        if (error is null)
        {
            cluster.LastSuccessAt = clock.GetUtcNow();
            cluster.ObjectCountsJson = JsonSerializer.Serialize(counts);
            cluster.ServerVersion = serverVersion;
        }
        await db.SaveChangesAsync(ct);
    }
}
