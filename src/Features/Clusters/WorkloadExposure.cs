using System.Globalization;
using System.Text.Json;
using k8s.Models;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Clusters;

/// <summary>One way one workload is exposed, as a collection derived it.</summary>
public sealed record ObservedExposure(string NamespaceName, string WorkloadKind, string WorkloadName, ExposureKind Via, string Detail);

/// <summary>Kubernetes equality-based selectors (a Service's <c>spec.selector</c>, a <c>matchLabels</c>).</summary>
public static class LabelSelectors
{
    /// <summary>
    /// True when every selector label is on the object with the same value. An empty or missing selector matches
    /// nothing: a Service without a selector has its endpoints managed by hand, not by pod labels.
    /// </summary>
    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null
        && selector.All(s => labels.TryGetValue(s.Key, out var value) && string.Equals(value, s.Value, StringComparison.Ordinal));
}

/// <summary>
/// Gathers, while a collection pages through the cluster, the pod templates of the workloads, the Services, Ingresses and
/// HTTPRoutes, and then says which workload is exposed how: a LoadBalancer, NodePort or externalIPs Service whose selector
/// matches the workload's pod template labels (an internal load balancer, by the annotations of rule K8P-SVC-001, is not); an Ingress rule or default backend (or an HTTPRoute backendRef) naming a
/// Service of any type that selects it; host network or host ports in its pod spec. Only the few fields needed are kept.
/// </summary>
public sealed class WorkloadExposureCollector
{
    private sealed record Workload(string Namespace, string Kind, string Name, Dictionary<string, string> Labels);

    private sealed record Service(string Namespace, string Name, Dictionary<string, string> Selector);

    private readonly List<Workload> _workloads = [];
    private readonly Dictionary<(string Namespace, string Name), Service> _services = [];
    private readonly List<(string Namespace, string Service, ExposureKind Via, string Detail)> _serviceExposures = [];
    private readonly List<ObservedExposure> _direct = [];

    /// <summary>A workload and its pod template (for a bare pod: its own labels and spec).</summary>
    public void AddWorkload(string? ns, string kind, string? name, IDictionary<string, string>? podLabels, V1PodSpec? podSpec)
    {
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(name))
        {
            return;
        }
        _workloads.Add(new Workload(ns, kind, name, podLabels is null ? [] : new Dictionary<string, string>(podLabels, StringComparer.Ordinal)));
        if (podSpec?.HostNetwork == true)
        {
            _direct.Add(new ObservedExposure(ns, kind, name, ExposureKind.HostNetwork, "host network"));
        }
        var hostPorts = (podSpec?.Containers ?? []).Concat(podSpec?.InitContainers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => $"{p.HostPort!.Value.ToString(CultureInfo.InvariantCulture)}/{p.Protocol ?? "TCP"}")
            .Distinct(StringComparer.Ordinal).ToList();
        if (hostPorts.Count > 0)
        {
            _direct.Add(new ObservedExposure(ns, kind, name, ExposureKind.HostPort, "host port " + string.Join(", ", hostPorts)));
        }
    }

    public void AddService(V1Service service)
    {
        var ns = service.Metadata?.NamespaceProperty;
        var name = service.Metadata?.Name;
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(name))
        {
            return;
        }
        var selector = service.Spec?.Selector is { } s ? new Dictionary<string, string>(s, StringComparer.Ordinal) : [];
        _services[(ns, name)] = new Service(ns, name, selector);
        var svc = "svc/" + name;
        switch (service.Spec?.Type)
        {
            case "LoadBalancer" when !IsInternal(service.Metadata?.Annotations):
                var addresses = (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? i.Hostname).OfType<string>().ToList();
                _serviceExposures.Add((ns, name, ExposureKind.LoadBalancer, addresses.Count > 0 ? $"LoadBalancer {string.Join(", ", addresses)} → {svc}" : $"LoadBalancer → {svc}"));
                break;
            case "NodePort":
                var nodePorts = (service.Spec.Ports ?? []).Where(p => p.NodePort is > 0).Select(p => p.NodePort!.Value.ToString(CultureInfo.InvariantCulture)).ToList();
                _serviceExposures.Add((ns, name, ExposureKind.NodePort, nodePorts.Count > 0 ? $"NodePort {string.Join(", ", nodePorts)} → {svc}" : $"NodePort → {svc}"));
                break;
        }
        if (service.Spec?.ExternalIPs is { Count: > 0 } externalIps)
        {
            _serviceExposures.Add((ns, name, ExposureKind.ExternalIp, $"ExternalIP {string.Join(", ", externalIps)} → {svc}"));
        }
    }

    // The same annotations as rule K8P-SVC-001: an internal load balancer is reachable from the VNet/VPC only.
    private static bool IsInternal(IDictionary<string, string>? annotations) =>
        annotations is not null && Rules.Catalogue.ExposedServiceRule.InternalLoadBalancerAnnotations.Any(i =>
            annotations.TryGetValue(i.Annotation, out var value) && string.Equals(value, i.Value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every rule path (host, else "*") and the default backend that names a Service; resource backends reach no pod.</summary>
    public void AddIngress(V1Ingress ingress)
    {
        var ns = ingress.Metadata?.NamespaceProperty;
        if (string.IsNullOrEmpty(ns))
        {
            return;
        }
        if (ingress.Spec?.DefaultBackend?.Service?.Name is { Length: > 0 } fallback)
        {
            _serviceExposures.Add((ns, fallback, ExposureKind.Ingress, $"Ingress {ingress.Metadata?.Name} (default backend) → svc/{fallback}"));
        }
        foreach (var rule in ingress.Spec?.Rules ?? [])
        {
            var host = string.IsNullOrEmpty(rule.Host) ? "*" : rule.Host;
            foreach (var path in rule.Http?.Paths ?? [])
            {
                if (path.Backend?.Service?.Name is { Length: > 0 } backend)
                {
                    _serviceExposures.Add((ns, backend, ExposureKind.Ingress, $"Ingress {host}{(string.IsNullOrEmpty(path.Path) ? "/" : path.Path)} → svc/{backend}"));
                }
            }
        }
    }

    /// <summary>
    /// A Gateway API HTTPRoute (gateway.networking.k8s.io): each rule's Service backendRefs, under each hostname (else "*")
    /// and path match (else "/"). A backendRef to another namespace counts without checking its ReferenceGrant.
    /// </summary>
    public void AddHttpRoute(JsonElement route)
    {
        try
        {
            ReadHttpRoute(route);
        }
        catch (ScanParseException)
        {
            // A route with a malformed field (an object where an array belongs) exposes nothing we can name.
        }
    }

    private void ReadHttpRoute(JsonElement route)
    {
        var metadata = route.Object("metadata");
        var ns = metadata?.String("namespace");
        if (string.IsNullOrEmpty(ns) || route.Object("spec") is not { } spec)
        {
            return;
        }
        var hostnames = spec.Strings("hostnames");
        if (hostnames.Count == 0)
        {
            hostnames = ["*"];
        }
        foreach (var (rule, _) in spec.Array("rules", ""))
        {
            if (rule.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var paths = rule.Array("matches", "").Select(m => m.Item.ValueKind == JsonValueKind.Object ? m.Item.Object("path")?.String("value") : null)
                .Select(p => string.IsNullOrEmpty(p) ? "/" : p).Distinct(StringComparer.Ordinal).ToList();
            if (paths.Count == 0)
            {
                paths = ["/"];
            }
            foreach (var (backend, _) in rule.Array("backendRefs", ""))
            {
                if (backend.ValueKind != JsonValueKind.Object || backend.String("name") is not { Length: > 0 } name
                    || (backend.String("kind") ?? "Service") != "Service" || (backend.String("group") ?? "") != "")
                {
                    continue;
                }
                var backendNamespace = backend.String("namespace") ?? ns;
                foreach (var host in hostnames)
                {
                    foreach (var path in paths)
                    {
                        _serviceExposures.Add((backendNamespace, name, ExposureKind.HttpRoute, $"HTTPRoute {host}{path} → svc/{name}"));
                    }
                }
            }
        }
    }

    /// <summary>Every (workload, way) pair, once, in a stable order.</summary>
    public IReadOnlyList<ObservedExposure> Resolve()
    {
        var byNamespace = _workloads.ToLookup(w => w.Namespace, StringComparer.Ordinal);
        var exposures = new List<ObservedExposure>(_direct);
        foreach (var (ns, serviceName, via, detail) in _serviceExposures)
        {
            if (!_services.TryGetValue((ns, serviceName), out var service))
            {
                continue;
            }
            foreach (var workload in byNamespace[ns].Where(w => LabelSelectors.Matches(service.Selector, w.Labels)))
            {
                exposures.Add(new ObservedExposure(ns, workload.Kind, workload.Name, via, detail));
            }
        }
        return exposures
            .Distinct()
            .OrderBy(e => e.NamespaceName, StringComparer.Ordinal).ThenBy(e => e.WorkloadKind, StringComparer.Ordinal)
            .ThenBy(e => e.WorkloadName, StringComparer.Ordinal).ThenBy(e => e.Via).ThenBy(e => e.Detail, StringComparer.Ordinal)
            .ToList();
    }
}
