namespace K8Posture.Features.Inventory.Parsing;

/// <summary>An open port that suggests Kubernetes (or a container runtime) behind the host.</summary>
public sealed record KubernetesPortHit(int Port, string Protocol, string Role, bool Strong, string? Service);

/// <summary>
/// Ports that make a scanned host look like part of a Kubernetes cluster. "Strong" ports are specific to Kubernetes
/// components; weak ones (8443, the NodePort range, Docker's API ports) are also used by other software and only
/// suggest it. Sources:
/// - Kubernetes "Ports and Protocols" (kubernetes.io/docs/reference/networking/ports-and-protocols/): 6443 kube-apiserver,
///   2379-2380 etcd, 10250 kubelet API, 10256 kube-proxy health, 10257 kube-controller-manager, 10259 kube-scheduler,
///   30000-32767 NodePort services.
/// - kubelet reference (kubernetes.io/docs/reference/command-line-tools-reference/kubelet/): --read-only-port 10255
///   (unauthenticated, deprecated but still found), --healthz-port 10248.
/// - kube-proxy reference: --metrics-bind-address 10249.
/// - OpenShift 4 "Network connectivity requirements" (docs.openshift.com, installing on any platform): 6443 API,
///   22623 Machine Config Server, 10250-10259 node services; OpenShift 3.x masters served the API on 8443.
/// - RKE2 "Inbound network rules" (docs.rke2.io/install/requirements): 9345 supervisor API, 6443; k3s "Requirements"
///   (docs.k3s.io/installation/requirements): 6443, 10250, 51820/51821 WireGuard, 5001 embedded registry (Spegel).
/// - minikube serves its API server on 8443 (minikube.sigs.k8s.io/docs/handbook/accessing/).
/// - Docker Engine "Protect the Docker daemon socket" (docs.docker.com/engine/security/protect-access/): 2375 (plain),
///   2376 (TLS) — not Kubernetes, but a container host the inventory should know.
/// </summary>
public static class KubernetesPorts
{
    private static readonly Dictionary<int, (string Role, bool Strong)> Known = new()
    {
        [6443] = ("kube-apiserver (also OpenShift 4, k3s, RKE2)", true),
        [2379] = ("etcd client", true),
        [2380] = ("etcd peer", true),
        [10250] = ("kubelet API", true),
        [10255] = ("kubelet read-only (unauthenticated)", true),
        [10248] = ("kubelet healthz", true),
        [10249] = ("kube-proxy metrics", true),
        [10256] = ("kube-proxy health", true),
        [10257] = ("kube-controller-manager", true),
        [10259] = ("kube-scheduler", true),
        [22623] = ("OpenShift Machine Config Server", true),
        [9345] = ("RKE2 supervisor API", true),
        [8443] = ("API server on 8443 (OpenShift 3.x, minikube) or other HTTPS", false),
        [2375] = ("Docker Engine API (unencrypted)", false),
        [2376] = ("Docker Engine API (TLS)", false),
    };

    public const int NodePortFirst = 30000;
    public const int NodePortLast = 32767;

    /// <summary>What the open port suggests, or null when it says nothing about Kubernetes.</summary>
    public static KubernetesPortHit? Classify(int port, string protocol, string? service)
    {
        if (!protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (Known.TryGetValue(port, out var known))
        {
            return new KubernetesPortHit(port, "tcp", known.Role, known.Strong, service);
        }
        if (port is >= NodePortFirst and <= NodePortLast)
        {
            return new KubernetesPortHit(port, "tcp", "NodePort service range", false, service);
        }
        return null;
    }
}
