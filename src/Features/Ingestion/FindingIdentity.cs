using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The identity rules (docs/ARCHITECTURE.md, Finding identity and lifecycle). A fingerprint is the sha256 (hex) of a canonical string, so the same
/// problem in the same scope is the same finding whichever tool, tag or run reports it.
/// </summary>
public static class FindingIdentity
{
    // A separator that cannot occur in the values keeps ("a","bc") and ("ab","c") apart.
    private const char Separator = '\u001f';

    public static string Fingerprint(string scopeKey, NormalisedFinding finding) => FingerprintKey(scopeKey, finding).ToHex();

    /// <summary><see cref="Fingerprint"/> as 32 bytes, for what a push keeps of every finding while it works.</summary>
    public static Sha256Key FingerprintKey(string scopeKey, NormalisedFinding finding) => finding.IdentityKind switch
    {
        FindingIdentityKind.Vulnerability => Hash("vulnerability", scopeKey,
            Artifact(finding), finding.PackageName, finding.InstalledVersion, finding.VulnerabilityId?.ToUpperInvariant()),
        FindingIdentityKind.Misconfiguration => Hash("misconfiguration", scopeKey,
            finding.ResourceKind, finding.NamespaceName, finding.ResourceName, finding.Container, finding.RuleId),
        FindingIdentityKind.Secret => Hash("secret", scopeKey,
            finding.Target, finding.RuleId, finding.StartLine?.ToString(CultureInfo.InvariantCulture)),
        _ => throw new ArgumentOutOfRangeException(nameof(finding), finding.IdentityKind, "Unknown identity kind."),
    };

    /// <summary>
    /// Hash of everything a re-push may report differently about the same finding (enrichment, EPSS, a new fix…);
    /// differs → the finding is updated. Where it was seen (image tag, digest) is not content: a rebuild is no update.
    /// </summary>
    public static string ContentHash(NormalisedFinding finding) => ContentHashKey(finding).ToHex();

    /// <summary><see cref="ContentHash"/> as 32 bytes.</summary>
    public static Sha256Key ContentHashKey(NormalisedFinding finding)
    {
        ReadOnlySpan<string?> parts =
        [
            "content", finding.Category.ToString(), finding.Severity.ToString(), finding.Title, finding.Description,
            finding.Cwe, finding.CvssScore?.ToString("R", CultureInfo.InvariantCulture), finding.CvssVector,
            finding.Epss?.ToString("R", CultureInfo.InvariantCulture), finding.PackageType, finding.Purl, finding.FixedVersion,
            finding.OwaspK8s, finding.PssControl, finding.PrimaryUrl, finding.References.Count == 0 ? null : string.Join('\n', finding.References),
            finding.Remediation,
        ];
        // Without a separate remediation the hash is the one findings were stored with before the field existed.
        return Hash(finding.Remediation is null ? parts[..^1] : parts);
    }

    /// <summary>
    /// The scope a push fully describes, independent of the tool (each tool's view is its sighting):
    /// <paramref name="explicitScope"/> when given; for a cluster scan (kube-bench, Kubescape, trivy k8s, operator reports)
    /// "cluster:&lt;name&gt;", where cluster= wins over the name inside the report (the pipeline knows where it ran; a report's
    /// context name is often a local alias); else the image ("image:registry/repository") or the scanned repository or path
    /// ("repo:name"), prefixed by the cluster when given. Null when nothing names the scope.
    /// </summary>
    public static string? ScopeKey(ScanScopeHint hint, string? explicitScope, string? clusterName)
    {
        if (!string.IsNullOrWhiteSpace(explicitScope))
        {
            return explicitScope.Trim();
        }
        var cluster = string.IsNullOrWhiteSpace(clusterName) ? null : clusterName.Trim();
        if (hint.ArtifactKind == ScanArtifactKind.Cluster)
        {
            var name = cluster ?? (string.IsNullOrWhiteSpace(hint.ClusterName) ? null : hint.ClusterName.Trim());
            return name is null ? null : "cluster:" + name;
        }
        var derived = hint switch
        {
            { Image: { } image } => "image:" + image.FullRepository,
            { ArtifactName: { Length: > 0 } name } when !string.IsNullOrWhiteSpace(name) => "repo:" + name.Trim(),
            _ => null,
        };
        if (derived is null)
        {
            return null;
        }
        return cluster is null ? derived : $"cluster:{cluster}/{derived}";
    }

    /// <summary>Between a scope and one of its report objects in a sighting's key: "cluster:prod-1#VulnerabilityReport/shop/ReplicaSet/web-7d9/nginx".</summary>
    public const char SubjectSeparator = '#';

    private const int MaxKeyLength = 450;

    /// <summary>
    /// The key a source's sighting is kept under: the scope, followed by the report object that carried the finding. A key
    /// longer than the column keeps the scope and hashes the object, so a complete push of the scope still finds it.
    /// </summary>
    public static string CoverageKey(string scopeKey, string subjectKey)
    {
        var key = scopeKey + SubjectSeparator + subjectKey;
        if (key.Length <= MaxKeyLength)
        {
            return key;
        }
        var hashed = scopeKey + SubjectSeparator + "sha256:" + Hash(subjectKey).ToHex();
        return hashed.Length <= MaxKeyLength ? hashed : "sha256:" + Hash(scopeKey, subjectKey).ToHex();
    }

    /// <summary>Image repository without tag or digest; for non-image scans the file the package was found in.</summary>
    private static string? Artifact(NormalisedFinding finding) =>
        finding.ImageRepository is { } repository ? $"{finding.ImageRegistry}/{repository}" : finding.Target;

    /// <summary>sha256 of the parts, trimmed and joined by <see cref="Separator"/>, as UTF-8; without building the joined string.</summary>
    private static Sha256Key Hash(params ReadOnlySpan<string?> parts)
    {
        var length = parts.Length;
        foreach (var part in parts)
        {
            length += part is null ? 0 : Encoding.UTF8.GetMaxByteCount(part.Length);
        }
        var rented = length <= 4096 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        var buffer = rented ?? stackalloc byte[4096];
        try
        {
            var written = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    buffer[written++] = (byte)Separator;
                }
                if (parts[i] is { } part)
                {
                    written += Encoding.UTF8.GetBytes(part.AsSpan().Trim(), buffer[written..]);
                }
            }
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return Sha256Key.FromHash(hash);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
