using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

public sealed class SensitiveHostPathRule() : WorkloadRule(new RuleInfo(
    "K8P-HOST-001", "Host root or sensitive host path mounted", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Critical, InsecureWorkload, PssHostPath,
    "Mounting the node's root, /etc, /proc, /root, /var/run or the kubelet's and runtime's state hands the container the node: credentials, other pods' secrets, and a way to write below /etc or /bin.",
    "Remove the hostPath volume. Node agents that truly need it belong in a dedicated, Security-approved namespace with a read-only mount of the narrowest path.",
    ["kubescape:C-0045", "kubescape:C-0048"]))
{
    private static readonly string[] Sensitive =
    [
        "/etc", "/var/run", "/run", "/proc", "/root", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/boot", "/dev", "/sys",
        "/lib/modules", "/home", "/var/lib/etcd", "/etc/kubernetes",
    ];

    internal static bool IsSensitive(string path)
    {
        var normalised = path.Length > 1 ? path.TrimEnd('/') : path;
        return normalised == "/" || Sensitive.Any(s => normalised == s || normalised.StartsWith(s + "/", StringComparison.Ordinal));
    }

    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var volume in workload.Spec.Arr("volumes"))
        {
            if (volume.Obj("hostPath")?.Str("path") is { } path && IsSensitive(path) && !RuntimeSocketRule.IsRuntimeSocket(path))
            {
                yield return (null, path == "/"
                    ? $"volume '{volume.Str("name") ?? "?"}' mounts the node's root filesystem (hostPath /)."
                    : $"volume '{volume.Str("name") ?? "?"}' mounts the sensitive host path {path}.");
            }
        }
    }
}

public sealed class RuntimeSocketRule() : WorkloadRule(new RuleInfo(
    "K8P-HOST-002", "Container runtime socket mounted", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Critical, InsecureWorkload, PssHostPath,
    "Whoever talks to docker.sock, containerd.sock or crio.sock can start privileged containers on the node: a full container escape (Kubernetes Goat's DIND scenario).",
    "Do not mount the runtime socket. Build images with rootless builders (BuildKit rootless, kaniko) and read runtime data through the Kubernetes API.",
    ["kubesec:DockerSock", "trivy:KSV006"]))
{
    private static readonly string[] Sockets = ["docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock"];

    internal static bool IsRuntimeSocket(string path)
    {
        var trimmed = path.TrimEnd('/');
        return Sockets.Any(s => trimmed.EndsWith("/" + s, StringComparison.Ordinal))
            || trimmed is "/var/run/docker" or "/run/containerd" or "/var/run/containerd" or "/var/run/crio" or "/run/crio";
    }

    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var volume in workload.Spec.Arr("volumes"))
        {
            if (volume.Obj("hostPath")?.Str("path") is { } path && IsRuntimeSocket(path))
            {
                yield return (null, $"volume '{volume.Str("name") ?? "?"}' mounts the container runtime socket {path}.");
            }
        }
    }
}
