using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

// Pod Security Standards, restricted level.

public sealed class VolumeTypesRule() : WorkloadRule(new RuleInfo(
    "K8P-PSS-012", "Volume type not allowed by the restricted profile", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssVolumeTypes,
    "Volume types other than the restricted set (hostPath, nfs, iscsi, …) reach the node or storage outside the cluster's control.",
    "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.",
    []))
{
    private static readonly HashSet<string> Allowed = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "name"];

    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        foreach (var volume in workload.Spec.Arr("volumes"))
        {
            if (volume.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                continue;
            }
            foreach (var property in volume.EnumerateObject())
            {
                if (!Allowed.Contains(property.Name))
                {
                    yield return (null, $"volume '{volume.Str("name") ?? "?"}' is of type {property.Name}.");
                }
            }
        }
    }
}

public sealed class PrivilegeEscalationRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-013", "Privilege escalation not disabled", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, PssPrivilegeEscalation,
    "Unless allowPrivilegeEscalation is false, setuid binaries and file capabilities can give the process more privileges than it started with.",
    "Set securityContext.allowPrivilegeEscalation: false on every container.",
    ["polaris:privilegeEscalationAllowed", "kubesec:AllowPrivilegeEscalation", "kubescape:C-0016", "trivy:KSV001"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        switch (container.SecurityContext?.Flag("allowPrivilegeEscalation"))
        {
            case true:
                yield return "allowPrivilegeEscalation is true.";
                break;
            case null:
                yield return "allowPrivilegeEscalation is not set to false.";
                break;
        }
    }
}

public sealed class RunAsNonRootRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-014", "Container may run as root", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssRunAsNonRoot,
    "Without runAsNonRoot: true the kubelet starts images whose user is root; root in a container is one kernel bug away from root on the node.",
    "Set securityContext.runAsNonRoot: true (pod or container) and build the image with a non-root USER.",
    ["polaris:runAsRootAllowed", "kubesec:RunAsNonRoot", "kubescape:C-0013", "trivy:KSV012"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        switch (container.Effective("runAsNonRoot")?.AsFlag())
        {
            case false:
                yield return "runAsNonRoot is false.";
                break;
            case null:
                yield return "runAsNonRoot is not set to true.";
                break;
        }
    }
}

public sealed class RunAsRootUserRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-015", "Container runs as user 0 (root)", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, PssRunAsNonRootUser,
    "runAsUser: 0 runs the process as root whatever the image says.",
    "Set runAsUser to a non-zero id (10000 or above avoids clashing with the node's users).",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.Effective("runAsUser")?.AsInteger() == 0)
        {
            yield return "runAsUser is 0.";
        }
    }
}

public sealed class SeccompRequiredRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-016", "Seccomp profile not RuntimeDefault or Localhost", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssRestrictedSeccomp,
    "Without a seccomp profile every system call is open to the container.",
    "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a profile).",
    ["kubesec:SeccompAny", "trivy:KSV030"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        var type = container.Effective("seccompProfile")?.Str("type");
        if (type is not "RuntimeDefault" and not "Localhost")
        {
            yield return type is null ? "no seccompProfile is set." : $"seccompProfile.type is {type}.";
        }
    }
}

public sealed class RestrictedCapabilitiesRule() : ContainerRule(new RuleInfo(
    "K8P-PSS-017", "Capabilities not dropped (drop ALL, add only NET_BIND_SERVICE)", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, PssRestrictedCapabilities,
    "The runtime's default capabilities (NET_RAW, SETUID, …) are more than most processes need; NET_RAW alone allows spoofing on the pod network.",
    "Set securityContext.capabilities.drop: [ALL] and add back only NET_BIND_SERVICE when the process binds a port below 1024.",
    ["polaris:insecureCapabilities", "kubesec:CapDropAll", "trivy:KSV003"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        var capabilities = container.SecurityContext?.Obj("capabilities");
        if (!(capabilities?.StringList("drop") ?? []).Any(c => string.Equals(c, "ALL", StringComparison.OrdinalIgnoreCase)))
        {
            yield return "capabilities.drop does not include ALL.";
        }
        var added = (capabilities?.StringList("add") ?? []).Where(c => !string.Equals(c, "NET_BIND_SERVICE", StringComparison.OrdinalIgnoreCase)).ToList();
        if (added.Count > 0)
        {
            yield return $"capabilities.add has {string.Join(", ", added)}.";
        }
    }
}
