using System.Text.Json;
using k8s.Models;
using K8Posture.Features.Clusters;

namespace K8Posture.UnitTests.Features.Clusters;

public sealed class WorkloadExposureFacts
{
    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) => labels.ToDictionary(l => l.Key, l => l.Value);

    private static V1Service Service(string name, string? type, Dictionary<string, string>? selector, string ns = "shop", int[]? nodePorts = null,
        string[]? externalIps = null, string? loadBalancerIp = null, Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = selector,
            Ports = (nodePorts ?? [0]).Select(p => new V1ServicePort { Port = 80, NodePort = p == 0 ? null : p }).ToList(),
            ExternalIPs = externalIps,
        },
        Status = loadBalancerIp is null ? null : new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = loadBalancerIp }] } },
    };

    private static V1IngressBackend Backend(string service) => new() { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = 80 } } };

    private static V1Ingress Ingress(string name, string? host, string? path, string service, string ns = "shop") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1IngressSpec
        {
            Rules = [new V1IngressRule { Host = host, Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = path, PathType = "Prefix", Backend = Backend(service) }] } }],
        },
    };

    /// <summary>A Deployment "web" (app=web, tier=frontend), its ReplicaSet, and a Deployment "worker" (app=worker) in namespace shop.</summary>
    private static WorkloadExposureCollector Shop()
    {
        var collector = new WorkloadExposureCollector();
        collector.AddWorkload("shop", "Deployment", "web", Labels(("app", "web"), ("tier", "frontend")), new V1PodSpec());
        collector.AddWorkload("shop", "ReplicaSet", "web-6d4cf56db6", Labels(("app", "web"), ("tier", "frontend"), ("pod-template-hash", "6d4cf56db6")), new V1PodSpec());
        collector.AddWorkload("shop", "Deployment", "worker", Labels(("app", "worker")), new V1PodSpec());
        return collector;
    }

    [Fact]
    public void A_selector_matches_when_every_one_of_its_labels_is_on_the_pod_with_the_same_value()
    {
        var pod = Labels(("app", "web"), ("tier", "frontend"), ("pod-template-hash", "6d4cf56db6"));

        Assert.True(LabelSelectors.Matches(Labels(("app", "web")), pod));
        Assert.True(LabelSelectors.Matches(Labels(("app", "web"), ("tier", "frontend")), pod));
        Assert.False(LabelSelectors.Matches(Labels(("app", "web"), ("tier", "backend")), pod));
        Assert.False(LabelSelectors.Matches(Labels(("app", "web"), ("release", "stable")), pod));
        Assert.False(LabelSelectors.Matches(Labels(("app", "Web")), pod));
        Assert.False(LabelSelectors.Matches(Labels(("app", "web")), null));
    }

    [Fact]
    public void An_empty_or_missing_selector_matches_nothing()
    {
        var pod = Labels(("app", "web"));

        Assert.False(LabelSelectors.Matches(new Dictionary<string, string>(), pod));
        Assert.False(LabelSelectors.Matches(null, pod));
        Assert.False(LabelSelectors.Matches(new Dictionary<string, string>(), new Dictionary<string, string>()));
    }

    [Fact]
    public void An_ingress_exposes_the_workloads_its_backend_service_selects_and_no_other()
    {
        var collector = Shop();
        collector.AddService(Service("web", "ClusterIP", Labels(("app", "web"))));
        collector.AddService(Service("worker", "ClusterIP", Labels(("app", "worker"))));
        collector.AddIngress(Ingress("shop", "shop.example.com", "/", "web"));

        var exposures = collector.Resolve();

        Assert.Equal(
        [
            new ObservedExposure("shop", "Deployment", "web", ExposureKind.Ingress, "Ingress shop.example.com/ → svc/web"),
            new ObservedExposure("shop", "ReplicaSet", "web-6d4cf56db6", ExposureKind.Ingress, "Ingress shop.example.com/ → svc/web"),
        ], exposures);
    }

    [Fact]
    public void A_cluster_ip_service_alone_exposes_nothing_and_an_ingress_to_a_missing_service_neither()
    {
        var collector = Shop();
        collector.AddService(Service("web", "ClusterIP", Labels(("app", "web"))));
        collector.AddIngress(Ingress("shop", "shop.example.com", "/", "gone"));

        Assert.Empty(collector.Resolve());
    }

    [Fact]
    public void Backends_are_looked_up_in_the_ingress_namespace_and_workloads_in_the_service_namespace()
    {
        var collector = Shop();
        collector.AddWorkload("other", "Deployment", "web", Labels(("app", "web")), new V1PodSpec());
        collector.AddService(Service("web", "ClusterIP", Labels(("app", "web")), ns: "other"));
        collector.AddIngress(Ingress("shop", "shop.example.com", "/", "web", ns: "shop"));
        collector.AddIngress(Ingress("other", null, null, "web", ns: "other"));

        var exposure = Assert.Single(collector.Resolve());

        Assert.Equal(new ObservedExposure("other", "Deployment", "web", ExposureKind.Ingress, "Ingress */ → svc/web"), exposure);
    }

    [Fact]
    public void A_default_backend_and_several_paths_each_say_how()
    {
        var collector = Shop();
        collector.AddService(Service("worker", "ClusterIP", Labels(("app", "worker"))));
        var ingress = Ingress("api", "api.example.com", "/jobs", "worker");
        ingress.Spec.DefaultBackend = Backend("worker");
        ingress.Spec.Rules[0].Http.Paths.Add(new V1HTTPIngressPath { Path = "/status", PathType = "Exact", Backend = Backend("worker") });
        ingress.Spec.Rules.Add(new V1IngressRule { Host = "files.example.com", Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { PathType = "Prefix", Backend = new V1IngressBackend { Resource = new V1TypedLocalObjectReference { Kind = "StorageBucket", Name = "static" } } }] } });
        collector.AddIngress(ingress);

        var details = collector.Resolve().Select(e => (e.WorkloadKind, e.WorkloadName, e.Detail)).ToList();

        Assert.Equal(
        [
            ("Deployment", "worker", "Ingress api (default backend) → svc/worker"),
            ("Deployment", "worker", "Ingress api.example.com/jobs → svc/worker"),
            ("Deployment", "worker", "Ingress api.example.com/status → svc/worker"),
        ], details);
    }

    [Fact]
    public void Load_balancer_node_port_and_external_ip_services_expose_what_they_select()
    {
        var collector = Shop();
        collector.AddService(Service("web-lb", "LoadBalancer", Labels(("app", "web"), ("tier", "frontend")), loadBalancerIp: "203.0.113.10"));
        collector.AddService(Service("worker-np", "NodePort", Labels(("app", "worker")), nodePorts: [30080, 30443]));
        collector.AddService(Service("worker-ext", "ClusterIP", Labels(("app", "worker")), externalIps: ["198.51.100.7"]));

        var exposures = collector.Resolve().Select(e => (e.WorkloadKind, e.WorkloadName, e.Via, e.Detail)).ToList();

        Assert.Equal(
        [
            ("Deployment", "web", ExposureKind.LoadBalancer, "LoadBalancer 203.0.113.10 → svc/web-lb"),
            ("Deployment", "worker", ExposureKind.NodePort, "NodePort 30080, 30443 → svc/worker-np"),
            ("Deployment", "worker", ExposureKind.ExternalIp, "ExternalIP 198.51.100.7 → svc/worker-ext"),
            ("ReplicaSet", "web-6d4cf56db6", ExposureKind.LoadBalancer, "LoadBalancer 203.0.113.10 → svc/web-lb"),
        ], exposures);
    }

    [Fact]
    public void An_internal_or_selector_less_load_balancer_exposes_nothing()
    {
        var collector = Shop();
        collector.AddService(Service("internal", "LoadBalancer", Labels(("app", "web")), annotations: new() { ["service.beta.kubernetes.io/azure-load-balancer-internal"] = "true" }));
        collector.AddService(Service("manual-endpoints", "LoadBalancer", null));
        collector.AddService(Service("empty-selector", "NodePort", [], nodePorts: [30090]));

        Assert.Empty(collector.Resolve());
    }

    [Fact]
    public void Host_network_and_host_ports_expose_the_workload_itself()
    {
        var collector = new WorkloadExposureCollector();
        collector.AddWorkload("kube-system", "DaemonSet", "node-exporter", Labels(("app", "node-exporter")), new V1PodSpec { HostNetwork = true });
        collector.AddWorkload("ops", "Pod", "debug", null, new V1PodSpec
        {
            Containers = [new V1Container { Name = "shell", Ports = [new V1ContainerPort { ContainerPort = 8080, HostPort = 8080 }, new V1ContainerPort { ContainerPort = 53, HostPort = 5353, Protocol = "UDP" }, new V1ContainerPort { ContainerPort = 9090 }] }],
        });
        collector.AddWorkload("ops", "Deployment", "quiet", Labels(("app", "quiet")), new V1PodSpec { HostNetwork = false, Containers = [new V1Container { Name = "c", Ports = [new V1ContainerPort { ContainerPort = 80 }] }] });

        Assert.Equal(
        [
            new ObservedExposure("kube-system", "DaemonSet", "node-exporter", ExposureKind.HostNetwork, "host network"),
            new ObservedExposure("ops", "Pod", "debug", ExposureKind.HostPort, "host port 8080/TCP, 5353/UDP"),
        ], collector.Resolve());
    }

    [Fact]
    public void An_http_route_exposes_the_workloads_of_its_service_backend_refs_under_each_hostname_and_path()
    {
        var collector = Shop();
        collector.AddService(Service("web", "ClusterIP", Labels(("app", "web"))));
        collector.AddService(Service("worker", "ClusterIP", Labels(("app", "worker"))));
        using var route = JsonDocument.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"store","namespace":"shop"},
             "spec":{"parentRefs":[{"name":"public"}],"hostnames":["store.example.com"],
              "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/cart"}}],"backendRefs":[{"name":"web","port":80}]},
                       {"backendRefs":[{"group":"example.com","kind":"Bucket","name":"worker"}]}]}}
            """);

        collector.AddHttpRoute(route.RootElement);

        Assert.Equal(
        [
            new ObservedExposure("shop", "Deployment", "web", ExposureKind.HttpRoute, "HTTPRoute store.example.com/cart → svc/web"),
            new ObservedExposure("shop", "ReplicaSet", "web-6d4cf56db6", ExposureKind.HttpRoute, "HTTPRoute store.example.com/cart → svc/web"),
        ], collector.Resolve());
    }

    [Fact]
    public void A_malformed_http_route_exposes_nothing_and_does_not_throw()
    {
        var collector = Shop();
        collector.AddService(Service("web", "ClusterIP", Labels(("app", "web"))));
        using var route = JsonDocument.Parse("""{"metadata":{"name":"bad","namespace":"shop"},"spec":{"rules":{"backendRefs":[{"name":"web"}]}}}""");

        collector.AddHttpRoute(route.RootElement);

        Assert.Empty(collector.Resolve());
    }
}
