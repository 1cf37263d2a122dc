using System.Text.RegularExpressions;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// The Kubernetes object a Trivy misconfiguration is about, as far as the report says: "Kind/name" references
/// (trivy k8s targets, CauseMetadata.Resource) and the wording of Trivy's Kubernetes check messages
/// ("Container 'app' of Deployment 'web' should …", "deployment web in default namespace should …").
/// </summary>
internal static partial class TrivyResources
{
    public sealed record Resource(string? Kind, string? Namespace, string? Name, string? Container = null);

    private static readonly Dictionary<string, string> Kinds = new[]
    {
        "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController", "Service",
        "ConfigMap", "Secret", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace",
        "Ingress", "NetworkPolicy", "PersistentVolume", "PersistentVolumeClaim", "Node", "PodSecurityPolicy",
    }.ToDictionary(k => k, StringComparer.OrdinalIgnoreCase);

    /// <summary>"Kind/name" or "namespace/Kind/name", where Kind is capitalised as Kubernetes writes it; null for file paths and the like.</summary>
    public static Resource? FromReference(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }
        var parts = reference.Trim().Split('/');
        var (ns, kind, name) = parts.Length switch
        {
            2 => (null, parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (null, "", ""),
        };
        return KindName().IsMatch(kind) && name.Length > 0 && (ns is null || ns.Length > 0) ? new Resource(kind, ns, name) : null;
    }

    /// <summary>Kind, name and container from the message of a Trivy Kubernetes check; null when the message names no object.</summary>
    public static Resource? FromMessage(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }
        if (ContainerOf().Match(message) is { Success: true } container && Canonical(container.Groups["kind"].Value) is { } containerKind)
        {
            return new Resource(containerKind, null, container.Groups["name"].Value, container.Groups["container"].Value);
        }
        if (KindInNamespace().Match(message) is { Success: true } object_ && Canonical(object_.Groups["kind"].Value) is { } kind)
        {
            return new Resource(kind, object_.Groups["ns"].Value, object_.Groups["name"].Value);
        }
        return null;
    }

    /// <summary>A known kind in Kubernetes' spelling; an unknown one only when it is already capitalised like a kind.</summary>
    private static string? Canonical(string kind) =>
        Kinds.TryGetValue(kind, out var canonical) ? canonical : KindName().IsMatch(kind) ? kind : null;

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex KindName();

    [GeneratedRegex("""(?i:container) ['"](?<container>[^'"]+)['"] of (?<kind>[A-Za-z]+) ['"](?<name>[^'"]+)['"]""", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerOf();

    [GeneratedRegex("""^(?<kind>[A-Za-z]+) ['"]?(?<name>[^'" ]+)['"]? in ['"]?(?<ns>[^'" ]+)['"]? namespace""", RegexOptions.CultureInvariant)]
    private static partial Regex KindInNamespace();
}
