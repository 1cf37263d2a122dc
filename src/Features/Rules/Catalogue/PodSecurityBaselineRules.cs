using System.Text.Json;
using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

// Pod Security Standards, baseline level (https://kubernetes.io/docs/concepts/security/pod-security-standards/).

public sealed class HostNamespacesRule() : WorkloadRule(new RuleInfo(
    "K8P-PSS-001", "Pod shares the host's namespaces", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, InsecureWorkload, PssHostNamespaces,
    "hostNetwork, hostPID or hostIPC let the pod see the node's network stack, processes or shared memory: a step to container escape and to sniffing other pods.",
    "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).",
    ["polaris:hostNetworkSet", "polaris:hostPIDSet", "polaris:hostIPCSet", "kubesec:HostNetwork", "kubesec:HostPID", "kubesec:HostIPC", "trivy:KSV008", "trivy:KSV009", "trivy:KSV010"]))
{
    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var field in (string[])["hostNetwork", "hostPID", "hostIPC"])
        {
            if (workload.Spec.Flag(field) == true)
            {
                yield return (null, $"{field} is true.");
            }
        }
    }
}

public sealed class PrivilegedContainerRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-002", "Privileged container", FindingCategory.ContainerMisconfiguration, FindingSeverity.Critical, InsecureWorkload, PssPrivileged,
    "A privileged container has every capability and the host's devices: root in it is root on the node.",
    "Remove securityContext.privileged (or set it to false) and grant only the capabilities the process needs.",
    ["polaris:runAsPrivileged", "kube-score:container-security-context-privileged", "kubesec:Privileged", "trivy:KSV017"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.SecurityContext?.Flag("privileged") == true)
        {
            yield return "securityContext.privileged is true.";
        }
    }
}

public sealed class BaselineCapabilitiesRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-003", "Capabilities added beyond the baseline set", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, PssBaselineCapabilities,
    "Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container root-like powers over the node's kernel.",
    "Add only capabilities of the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT); better, drop ALL and add NET_BIND_SERVICE only if needed.",
    ["kubesec:CapSysAdmin", "polaris:dangerousCapabilities", "trivy:KSV005", "trivy:KSV022"]))
{
    internal static readonly HashSet<string> Baseline = new(StringComparer.OrdinalIgnoreCase)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        var added = container.SecurityContext?.Obj("capabilities")?.StringList("add") ?? [];
        var beyond = added.Select(c => c.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? c[4..] : c).Where(c => !Baseline.Contains(c)).ToList();
        if (beyond.Count > 0)
        {
            yield return $"capabilities.add has {string.Join(", ", beyond)}.";
        }
    }
}

public sealed class HostPathVolumeRule() : WorkloadRule(new RuleInfo(
    "K8P-PSS-004", "hostPath volume", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssHostPath,
    "A hostPath volume exposes the node's filesystem to the pod; writable ones let a compromised container change the node.",
    "Use emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim instead of hostPath.",
    ["polaris:hostPathSet", "kubescape:C-0048", "trivy:KSV023"]))
{
    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var volume in workload.Spec.Arr("volumes"))
        {
            if (volume.Obj("hostPath") is { } hostPath)
            {
                yield return (null, $"volume '{volume.Str("name") ?? "?"}' mounts hostPath {hostPath.Str("path") ?? "(no path)"}.");
            }
        }
    }
}

public sealed class HostPortsRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-005", "Container binds a host port", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssHostPorts,
    "A hostPort opens the port on the node itself, bypassing Services and NetworkPolicies and pinning the pod to nodes.",
    "Remove ports[].hostPort and expose the pod through a Service.",
    ["polaris:hostPortSet", "kubescape:C-0044", "trivy:KSV024"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var port in container.Element.Arr("ports"))
        {
            if (port.Prop("hostPort")?.AsInteger() is { } hostPort and not 0)
            {
                yield return $"hostPort {hostPort} is set.";
            }
        }
    }
}

public sealed class AppArmorRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-006", "AppArmor profile disabled", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssAppArmor,
    "Running Unconfined turns off the node's AppArmor confinement of the container.",
    "Leave the AppArmor profile unset, or use RuntimeDefault or a Localhost profile.",
    ["kubesec:ApparmorAny", "trivy:KSV002"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        var type = container.Effective("appArmorProfile")?.Str("type");
        if (type is not null and not "RuntimeDefault" and not "Localhost")
        {
            yield return $"appArmorProfile.type is {type}.";
        }
        var annotation = container.Pod.Annotation("container.apparmor.security.beta.kubernetes.io/" + container.Name);
        if (annotation is not null && annotation != "runtime/default" && !annotation.StartsWith("localhost/", StringComparison.Ordinal))
        {
            yield return $"AppArmor annotation is {annotation}.";
        }
    }
}

public sealed class SeLinuxRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-007", "Custom SELinux options", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssSeLinux,
    "Setting an SELinux user, role or an unusual type can lift the container out of its SELinux confinement.",
    "Remove seLinuxOptions.user and .role; use only the container_t, container_init_t, container_kvm_t or container_engine_t types.",
    ["trivy:KSV025"]))
{
    private static readonly HashSet<string> AllowedTypes = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var options in (JsonElement?[])[container.SecurityContext?.Obj("seLinuxOptions"), container.Pod.SecurityContext?.Obj("seLinuxOptions")])
        {
            if (options is not { } selinux)
            {
                continue;
            }
            if (selinux.Str("type") is { } type && !AllowedTypes.Contains(type))
            {
                yield return $"seLinuxOptions.type is {type}.";
            }
            if (selinux.Str("user") is { } user)
            {
                yield return $"seLinuxOptions.user is {user}.";
            }
            if (selinux.Str("role") is { } role)
            {
                yield return $"seLinuxOptions.role is {role}.";
            }
        }
    }
}

public sealed class ProcMountRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-008", "Unmasked /proc mount", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, PssProcMount,
    "procMount Unmasked exposes the host's /proc paths the runtime normally masks.",
    "Remove securityContext.procMount or set it to Default.",
    ["trivy:KSV027"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.SecurityContext?.Str("procMount") is { } procMount && procMount != "Default")
        {
            yield return $"procMount is {procMount}.";
        }
    }
}

public sealed class SeccompUnconfinedRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-009", "Seccomp explicitly Unconfined", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, PssBaselineSeccomp,
    "An Unconfined seccomp profile lets the container make every system call, including those used in kernel exploits.",
    "Set seccompProfile.type to RuntimeDefault (or a Localhost profile).",
    ["kubesec:SeccompAny"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.Effective("seccompProfile")?.Str("type") == "Unconfined")
        {
            yield return "seccompProfile.type is Unconfined.";
        }
        if (container.Pod.Annotation("container.seccomp.security.alpha.kubernetes.io/" + container.Name) == "unconfined"
            || container.Pod.Annotation("seccomp.security.alpha.kubernetes.io/pod") == "unconfined")
        {
            yield return "the seccomp annotation is unconfined.";
        }
    }
}

public sealed class UnsafeSysctlsRule() : WorkloadRule(new RuleInfo(
    "K8P-PSS-010", "Unsafe sysctls", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, InsecureWorkload, PssSysctls,
    "Sysctls outside the safe set change kernel settings shared with every pod on the node.",
    "Use only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes).",
    []))
{
    private static readonly HashSet<string> Safe =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    ];

    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var sysctl in workload.SecurityContext.Arr("sysctls"))
        {
            if (sysctl.Str("name") is { } name && !Safe.Contains(name))
            {
                yield return (null, $"sysctl {name} is not in the safe set.");
            }
        }
    }
}

public sealed class HostProcessRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-011", "Windows HostProcess container", FindingCategory.ContainerMisconfiguration, FindingSeverity.Critical, InsecureWorkload, PssHostProcess,
    "A Windows HostProcess container runs directly on the node with its privileges.",
    "Remove windowsOptions.hostProcess (or set it to false).",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.Effective("windowsOptions")?.Flag("hostProcess") == true || container.Pod.Spec.Flag("hostProcess") == true)
        {
            yield return "windowsOptions.hostProcess is true.";
        }
    }
}
