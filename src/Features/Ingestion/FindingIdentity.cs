using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The identity rules of DESIGN.md §2. A fingerprint is the sha256 (hex) of a canonical string, so the same
/// problem in the same scope is the same finding whichever tool, tag or run reports it.
/// </summary>
public static class FindingIdentity
{
    // A separator that cannot occur in the values keeps ("a","bc") and ("ab","c") apart.
    private const char Separator = '\u001f';

    public static string Fingerprint(string scopeKey, NormalisedFinding finding) => finding.IdentityKind switch
    {
        FindingIdentityKind.Vulnerability => Hash("vulnerability", scopeKey,
            Artifact(finding), finding.PackageName, finding.InstalledVersion, finding.VulnerabilityId?.ToUpperInvariant()),
        FindingIdentityKind.Misconfiguration => Hash("misconfiguration", scopeKey,
            finding.ResourceKind, finding.NamespaceName, finding.ResourceName, finding.Container, finding.RuleId),
        FindingIdentityKind.Secret => Hash("secret", scopeKey,
            finding.Target, finding.RuleId, finding.StartLine?.ToString(CultureInfo.InvariantCulture)),
        _ => throw new ArgumentOutOfRangeException(nameof(finding), finding.IdentityKind, "Unknown identity kind."),
    };

    /// <summary>Hash of what a re-push may change about the same finding; differs → the finding is updated.</summary>
    public static string ContentHash(NormalisedFinding finding) => Hash("content",
        finding.Severity.ToString(), finding.Title, finding.FixedVersion,
        finding.CvssScore?.ToString("R", CultureInfo.InvariantCulture), finding.CvssVector, finding.Description);

    /// <summary>
    /// The scope a push fully describes: <paramref name="explicitScope"/> when given, else the image
    /// ("image:registry/repository") or the scanned repository or path ("repo:name"), prefixed by the cluster when given.
    /// Null when the report says too little to derive one.
    /// </summary>
    public static string? ScopeKey(ScanScopeHint hint, string? explicitScope, string? clusterName)
    {
        if (!string.IsNullOrWhiteSpace(explicitScope))
        {
            return explicitScope.Trim();
        }
        var derived = hint switch
        {
            { Image: { } image } => "image:" + image.FullRepository,
            { ArtifactKind: ScanArtifactKind.Cluster, ClusterName: { } cluster } => "cluster:" + cluster,
            { ArtifactName: { Length: > 0 } name } => "repo:" + name,
            _ => null,
        };
        if (derived is null)
        {
            return null;
        }
        return string.IsNullOrWhiteSpace(clusterName) || derived.StartsWith("cluster:", StringComparison.Ordinal)
            ? derived
            : $"cluster:{clusterName.Trim()}/{derived}";
    }

    /// <summary>Image repository without tag or digest; for non-image scans the file the package was found in.</summary>
    private static string? Artifact(NormalisedFinding finding) =>
        finding.ImageRepository is { } repository ? $"{finding.ImageRegistry}/{repository}" : finding.Target;

    private static string Hash(params string?[] parts)
    {
        var canonical = string.Join(Separator, parts.Select(p => p?.Trim() ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
