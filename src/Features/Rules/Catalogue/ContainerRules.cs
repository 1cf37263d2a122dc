using System.Text.RegularExpressions;
using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

/// <summary>
/// Literal secrets in env are High; a secretKeyRef/secretRef in env is Low. The choice: env is the documented Kubernetes
/// way and keeps the value out of the manifest, but environment variables leak through /proc, crash dumps, child processes
/// and "print the config" logging, and do not rotate; a mounted secret volume does neither, so it is what we recommend.
/// The names and values Polaris's sensitiveContainerEnvVar refuses (password, token, bearer, secret, AWS_SECRET_ACCESS_KEY,
/// GOOGLE_APPLICATION_CREDENTIALS, AZURE_…KEY, OCI_CLI_KEY_CONTENT; a value holding "-BEGIN … PRIVATE KEY-") are all
/// reported, plus the key, passphrase and connection-string names Polaris does not list. A valueFrom passes.
/// </summary>
public sealed partial class LiteralSecretInEnvRule() : ContainerRule(new RuleInfo(
    "K8P-SEC-001", "Secret-looking literal in an environment variable", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, SecretsManagement, null,
    "A password, token or key written as a literal env value sits in Git, in the manifest and in the API server for everyone who can read the workload.",
    "Move the value into a Secret (ideally synced from a vault) and mount it as a file.",
    ["polaris:sensitiveContainerEnvVar", "kubescape:C-0012"]))
{
    [GeneratedRegex(@"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|BEARER|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STRING|(^|_)KEY$|(^|_)PWD$|^AZURE_.+KEY$|^OCI_CLI_KEY_CONTENT$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    internal static partial Regex SecretName();

    [GeneratedRegex(@"-BEGIN\s+.*PRIVATE KEY-", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var env in container.Element.Arr("env"))
        {
            if (env.Str("value") is not { Length: > 0 } value)
            {
                continue;
            }
            var name = env.Str("name") ?? "?";
            if (PrivateKey().IsMatch(value))
            {
                yield return $"env {name} holds a private key as a literal value.";
            }
            else if (SecretName().IsMatch(name))
            {
                yield return $"env {name} has a literal value.";
            }
        }
    }
}

public sealed class SecretInEnvRule() : ContainerRule(new RuleInfo(
    "K8P-SEC-002", "Secret exposed as an environment variable", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, SecretsManagement, null,
    "Secrets in environment variables leak through /proc, crash dumps, child processes and logs, and do not rotate without a restart.",
    "Mount the Secret as a read-only volume and read the file.",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        foreach (var env in container.Element.Arr("env"))
        {
            if (env.Obj("valueFrom")?.Obj("secretKeyRef") is { } reference)
            {
                yield return $"env {env.Str("name") ?? "?"} reads secret {reference.Str("name") ?? "?"}/{reference.Str("key") ?? "?"}.";
            }
        }
        foreach (var envFrom in container.Element.Arr("envFrom"))
        {
            if (envFrom.Obj("secretRef") is { } reference)
            {
                yield return $"envFrom loads every key of secret {reference.Str("name") ?? "?"}.";
            }
        }
    }
}

public abstract class ResourceRule(RuleInfo info) : ContainerRule(info)
{
    protected static bool Has(ContainerView container, string section, string resource) =>
        container.Element.Obj("resources")?.Obj(section)?.Prop(resource) is { } value && value.ValueKind is not System.Text.Json.JsonValueKind.Null;

    protected static bool Applies(ContainerView container) => container.Section != "ephemeralContainers";
}

public sealed class CpuLimitRule() : ResourceRule(new RuleInfo(
    "K8P-RES-001", "CPU limit missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "A container without a CPU limit can starve its neighbours on the node (Kubernetes Goat's DoS scenario).",
    "Set resources.limits.cpu (or a namespace LimitRange that sets it).",
    ["polaris:cpuLimitsMissing", "kube-score:container-resources", "kubesec:LimitsCPU"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "limits", "cpu"))
        {
            yield return "resources.limits.cpu is not set.";
        }
    }
}

public sealed class MemoryLimitRule() : ResourceRule(new RuleInfo(
    "K8P-RES-002", "Memory limit missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "A container without a memory limit can exhaust the node's memory and get other pods evicted.",
    "Set resources.limits.memory.",
    ["polaris:memoryLimitsMissing", "kube-score:container-resources", "kubesec:LimitsMemory"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "limits", "memory"))
        {
            yield return "resources.limits.memory is not set.";
        }
    }
}

/// <summary>
/// An explicit request, as Polaris, kube-score and kubesec all require: Kubernetes would copy a lone limit into the request,
/// but then the request is an accident of the limit, not a statement of what the container needs.
/// </summary>
public sealed class CpuRequestRule() : ResourceRule(new RuleInfo(
    "K8P-RES-003", "CPU request missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "Without a CPU request the scheduler cannot place the pod sensibly and the pod is first to be starved under pressure.",
    "Set resources.requests.cpu.",
    ["polaris:cpuRequestsMissing", "kube-score:container-resources", "kubesec:RequestsCPU"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "requests", "cpu"))
        {
            yield return Has(container, "limits", "cpu")
                ? "resources.requests.cpu is not set (Kubernetes copies the limit into it)."
                : "resources.requests.cpu is not set.";
        }
    }
}

public sealed class MemoryRequestRule() : ResourceRule(new RuleInfo(
    "K8P-RES-004", "Memory request missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "Without a memory request the scheduler cannot place the pod sensibly and the pod is first to be evicted under memory pressure.",
    "Set resources.requests.memory.",
    ["polaris:memoryRequestsMissing", "kube-score:container-resources", "kubesec:RequestsMemory"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (Applies(container) && !Has(container, "requests", "memory"))
        {
            yield return Has(container, "limits", "memory")
                ? "resources.requests.memory is not set (Kubernetes copies the limit into it)."
                : "resources.requests.memory is not set.";
        }
    }
}

public sealed class ReadOnlyRootFilesystemRule() : ContainerRule(new RuleInfo(
    "K8P-CTR-001", "Root filesystem is writable", FindingCategory.ContainerMisconfiguration, FindingSeverity.Medium, InsecureWorkload, null,
    "Most containers are meant to be read-only: a writable root lets an attacker drop tools or change binaries below /etc or /bin.",
    "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the process writes.",
    ["polaris:notReadOnlyRootFilesystem", "kube-score:container-security-context-readonlyrootfilesystem", "kubesec:ReadOnlyRootFilesystem", "trivy:KSV014", "kubescape:C-0017"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.SecurityContext?.Flag("readOnlyRootFilesystem") != true)
        {
            yield return "readOnlyRootFilesystem is not true.";
        }
    }
}

/// <summary>
/// kube-score's container-security-context-user-group-id, user half: the container's runAsUser, or the pod's when the
/// container sets none, must be at least 10000 (kube-score fails below 10000; kubesec awards its point only above 10000).
/// </summary>
public sealed class LowUserIdRule() : ContainerRule(new RuleInfo(
    "K8P-CTR-002", "Container user id missing or below 10000", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "A container that runs as a low or unset user id shares ids with the node's system users and services: a container escape lands with their file permissions.",
    "Set securityContext.runAsUser to 10000 or above (pod or container) and build the image with that USER.",
    ["kube-score:container-security-context-user-group-id", "kubesec:RunAsUser"]))
{
    internal const long Minimum = 10000;

    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        switch (container.Effective("runAsUser")?.AsInteger())
        {
            case null:
                yield return "runAsUser is not set.";
                break;
            case < Minimum and var user:
                yield return $"runAsUser is {user}, below {Minimum}.";
                break;
        }
    }
}

/// <summary>The group half of kube-score's container-security-context-user-group-id (kubesec's RunAsGroup).</summary>
public sealed class LowGroupIdRule() : ContainerRule(new RuleInfo(
    "K8P-CTR-003", "Container group id missing or below 10000", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "A container that runs with a low or unset group id (often root's group 0) shares group permissions with the node's system files.",
    "Set securityContext.runAsGroup to 10000 or above (pod or container).",
    ["kube-score:container-security-context-user-group-id", "kubesec:RunAsGroup"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        switch (container.Effective("runAsGroup")?.AsInteger())
        {
            case null:
                yield return "runAsGroup is not set.";
                break;
            case < LowUserIdRule.Minimum and var group:
                yield return $"runAsGroup is {group}, below {LowUserIdRule.Minimum}.";
                break;
        }
    }
}
