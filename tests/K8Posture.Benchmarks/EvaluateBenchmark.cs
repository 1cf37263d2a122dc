using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Policy;
using K8Posture.Features.Rules;
using K8Posture.Shared;

namespace K8Posture.Benchmarks;

/// <summary>
/// Measures the policy engine: N varied manifests (Deployments, Pods, CronJobs, RBAC, NetworkPolicies, Services) rendered
/// as multi-document YAML, parsed and evaluated by the real <see cref="PolicyEvaluator"/> — once as a single set (the
/// cross-object rules see everything) and in chart-sized sets of 25, as pipelines send them.
/// </summary>
internal static class EvaluateBenchmark
{
    private const int ChartSize = 25;

    public static int Run(string[] args)
    {
        var manifests = 10_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--manifests" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                manifests = n;
                i++;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --manifests N.");
                return 2;
            }
        }

        var evaluator = new PolicyEvaluator(new RuleCatalogue());
        var policy = PolicyDocument.Default();
        var documents = Enumerable.Range(0, manifests).Select(Manifest).ToList();
        var whole = Encoding.UTF8.GetBytes(string.Join("---\n", documents));
        var charts = documents.Chunk(ChartSize).Select(c => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(string.Join("---\n", c))).ToList();

        // Warm up (JIT, regexes, catalogue reflection).
        evaluator.Evaluate(charts[0], policy, 0);

        var watch = Stopwatch.StartNew();
        using (var parsed = K8Posture.Features.Ingestion.Parsers.KubernetesDocuments.Parse(whole, PolicyEvaluator.FormatName))
        {
            _ = parsed.Objects.Count;
        }
        var parseSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var result = evaluator.Evaluate(whole, policy, 0);
        var wholeSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var chartFindings = 0;
        foreach (var chart in charts)
        {
            chartFindings += evaluator.Evaluate(chart, policy, 0).Findings.Count;
        }
        var chartSeconds = watch.Elapsed.TotalSeconds;

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "evaluate",
            manifests,
            payloadBytes = whole.Length,
            rules = evaluator.Catalogue.Rules.Count,
            findings = result.Findings.Count,
            seconds = Math.Round(wholeSeconds, 3),
            parseSeconds = Math.Round(parseSeconds, 3),
            manifestsPerSecond = Math.Round(manifests / wholeSeconds),
            chartSize = ChartSize,
            charts = charts.Count,
            chartFindings,
            chartSeconds = Math.Round(chartSeconds, 3),
            chartManifestsPerSecond = Math.Round(manifests / chartSeconds),
        }, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>A deterministic mix: every 20 manifests hold 9 Deployments, 4 Pods, 1 CronJob, 2 Roles, 2 RoleBindings, 1 NetworkPolicy, 1 Service.</summary>
    private static string Manifest(int index)
    {
        var ns = $"team-{index % 37}";
        var name = $"app-{index}";
        var hardened = index % 3 == 0;
        var image = (index % 4) switch
        {
            0 => $"mcr.microsoft.com/dotnet/aspnet:8.0.{index % 10}",
            1 => $"nginx:1.{index % 27}",
            2 => $"ghcr.io/contoso/{name}:latest",
            _ => $"registry.k8s.io/pause:3.{index % 9}@sha256:{index:x64}",
        };
        return (index % 20) switch
        {
            < 9 => Workload("apps/v1", "Deployment", ns, name, "spec:\n  replicas: 2\n  template:\n    spec:\n", "      ", image, hardened, index),
            < 13 => Workload("v1", "Pod", ns, name, "spec:\n", "  ", image, hardened, index),
            13 => Workload("batch/v1", "CronJob", ns, name, "spec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n", "          ", image, hardened, index),
            < 16 => $"""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: role-{index}
                  namespace: {ns}
                rules:
                - apiGroups: [""]
                  resources: [{(index % 2 == 0 ? "\"*\"" : "pods, secrets")}]
                  verbs: [get, list{(index % 5 == 0 ? ", \"*\"" : "")}]

                """,
            < 18 => $"""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: {(index % 7 == 0 ? "ClusterRoleBinding" : "RoleBinding")}
                metadata:
                  name: binding-{index}
                  namespace: {ns}
                subjects:
                - kind: ServiceAccount
                  name: sa-{index % 11}
                  namespace: {ns}
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: {(index % 7 == 0 ? "ClusterRole" : "Role")}
                  name: {(index % 7 == 0 ? "cluster-admin" : $"role-{index - 2}")}

                """,
            18 => $"""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: policy-{index}
                  namespace: {ns}
                spec:
                  podSelector: {(index % 3 == 0 ? "{}" : $"{{matchLabels: {{app: {name}}}}}")}
                  policyTypes: [Ingress, Egress]
                  egress:
                  - to:
                    - ipBlock:
                        cidr: 0.0.0.0/0
                        except: [169.254.169.254/32]

                """,
            _ => $"""
                apiVersion: v1
                kind: Service
                metadata:
                  name: svc-{index}
                  namespace: {ns}
                spec:
                  type: {(index % 3 == 0 ? "LoadBalancer" : "ClusterIP")}
                  ports:
                  - port: 80

                """,
        };
    }

    private static string Workload(string apiVersion, string kind, string ns, string name, string specPrefix, string indent, string image, bool hardened, int index)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {name}\n");
        builder.Append(specPrefix);
        builder.Append(CultureInfo.InvariantCulture, $"{indent}serviceAccountName: sa-{index % 11}\n");
        if (index % 9 == 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{indent}hostPID: true\n{indent}volumes:\n{indent}- name: host\n{indent}  hostPath:\n{indent}    path: {(index % 2 == 0 ? "/" : "/var/run/docker.sock")}\n");
        }
        if (hardened)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{indent}securityContext:\n{indent}  runAsNonRoot: true\n{indent}  runAsUser: 10001\n{indent}  seccompProfile:\n{indent}    type: RuntimeDefault\n");
        }
        builder.Append(CultureInfo.InvariantCulture, $"{indent}containers:\n{indent}- name: main\n{indent}  image: {image}\n");
        builder.Append(CultureInfo.InvariantCulture, $"{indent}  env:\n{indent}  - name: DB_PASSWORD\n{indent}    value: {(index % 5 == 0 ? "hunter2" : "\"\"")}\n{indent}  - name: LOG_LEVEL\n{indent}    value: info\n");
        if (hardened)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{indent}  securityContext:\n{indent}    allowPrivilegeEscalation: false\n{indent}    readOnlyRootFilesystem: true\n{indent}    capabilities:\n{indent}      drop: [ALL]\n");
            builder.Append(CultureInfo.InvariantCulture, $"{indent}  resources:\n{indent}    requests: {{cpu: 100m, memory: 128Mi}}\n{indent}    limits: {{cpu: 500m, memory: 256Mi}}\n");
        }
        else if (index % 2 == 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{indent}  securityContext:\n{indent}    privileged: true\n{indent}    capabilities:\n{indent}      add: [SYS_ADMIN, NET_ADMIN]\n");
        }
        return builder.ToString();
    }
}
