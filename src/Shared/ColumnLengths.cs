using System.Diagnostics.CodeAnalysis;

namespace K8Posture.Shared;

/// <summary>
/// Widths of the columns several entities share, used by the model (<c>HasMaxLength</c>) and by the code that fits values
/// into them (<see cref="Clip"/>), so each width is written once.
/// </summary>
public static class ColumnLengths
{
    /// <summary>Who did something: a person's name or UPN, a key's name, "system".</summary>
    public const int Actor = 200;
    public const int ClusterName = 200;
    /// <summary>A Kubernetes object name (a DNS-1123 subdomain): namespaces, containers, pods, hosts.</summary>
    public const int KubernetesName = 253;
    /// <summary>The tool a batch came from ("trivy", "kube-bench").</summary>
    public const int Source = 64;
    public const int ScopeKey = 450;
    public const int Pipeline = 300;
    public const int Commit = 100;
    /// <summary>The last error of a delivery or a job, kept for the operator.</summary>
    public const int LastError = 1000;
    /// <summary>What a history event says happened.</summary>
    public const int EventDetail = 2000;

    /// <summary>The value cut to <paramref name="maxLength"/> characters so it fits its column; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
