using System.Text.RegularExpressions;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The naming rules for cluster and namespace names that arrive with pushes, shared by every ingestion endpoint.
/// Names are shown everywhere (tables, charts, exports), so markup never gets in. Cluster names follow the union of
/// the real providers' rules (AKS and EKS: letters, digits, '-', '_'; GKE and kind/minikube: DNS-1123) and of the
/// kube-context names scanners report as the cluster (an EKS context is the cluster's ARN,
/// <c>arn:aws:eks:us-east-1:123456789012:cluster/prod</c>; eksctl's is <c>user@prod.us-east-1.eksctl.io</c>), which
/// admits every real name and no '&lt;', '&gt;', '&amp;', quotes, backticks, whitespace or control characters.
/// Namespace names are Kubernetes DNS-1123 labels.
/// </summary>
public static partial class ResourceNames
{
    public const int MaxClusterNameLength = 253;
    public const int MaxNamespaceLength = 63;

    public const string ClusterRule =
        "a cluster name is 1-253 characters of letters, digits and - _ . : / @, starting and ending with a letter or digit";
    public const string NamespaceRule =
        "a namespace name is a Kubernetes DNS-1123 label: 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit";

    [GeneratedRegex(@"\A[A-Za-z0-9](?:[A-Za-z0-9._:/@-]{0,251}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();

    [GeneratedRegex(@"\A[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();

    public static bool IsValidClusterName(string name) => ClusterNamePattern().IsMatch(name);

    public static bool IsValidNamespace(string name) => NamespacePattern().IsMatch(name);

    /// <summary>
    /// The 400 answer for a <c>cluster=</c> query parameter that breaks <see cref="ClusterRule"/>, or null when it is
    /// absent, blank (the report's own name applies) or valid.
    /// </summary>
    public static IResult? ClusterParameterProblem(string? cluster)
    {
        if (string.IsNullOrEmpty(cluster) || IsValidClusterName(cluster))
        {
            return null;
        }
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["cluster"] = [$"cluster= breaks the naming rule: {ClusterRule}."] },
            detail: $"Invalid query parameter cluster: {ClusterRule}. Nothing was stored.",
            title: "Invalid cluster name");
    }

    /// <summary>Refuses a push whose payload names a cluster that breaks <see cref="ClusterRule"/>; <paramref name="where"/> says where in the payload.</summary>
    public static void RequireValidClusterInPayload(string? cluster, string where)
    {
        if (!string.IsNullOrEmpty(cluster) && !IsValidClusterName(cluster))
        {
            throw new IngestRejectedException("Invalid cluster name", $"The cluster name at {where} breaks the naming rule: {ClusterRule}. Nothing from this push was applied; the refused push is kept in the ingest log.", pointer: where);
        }
    }

    /// <summary>Refuses a push whose payload names a namespace that breaks <see cref="NamespaceRule"/>; <paramref name="where"/> says where in the payload.</summary>
    public static bool IsValidNamespaceInPayload(string? @namespace) => string.IsNullOrEmpty(@namespace) || IsValidNamespace(@namespace);

    public static void RequireValidNamespaceInPayload(string? @namespace, string where)
    {
        if (!IsValidNamespaceInPayload(@namespace))
        {
            throw new IngestRejectedException("Invalid namespace name", $"The namespace name at {where} breaks the naming rule: {NamespaceRule}. Nothing from this push was applied; the refused push is kept in the ingest log.", pointer: where);
        }
    }
}
