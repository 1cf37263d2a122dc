using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>What a scan push knows besides its findings, for the slices that keep more of a report than findings.</summary>
public sealed record ScanPushContext(
    long BatchId,
    string Source,
    string ScopeKey,
    int? ClusterId,
    int? OwnerTeamId,
    int? ConfinedToTeamId,
    IReadOnlyDictionary<string, int> NamespaceOwnerTeamIds,
    bool Complete,
    string Actor,
    DateTimeOffset At);

/// <summary>
/// Keeps another part of a parsed report (an SBOM's components, the workloads a cluster report names) in the push's own
/// transaction, so the push stays one write through <see cref="IngestPipeline"/>; then reacts once it has committed.
/// </summary>
public interface IScanPushContributor
{
    /// <summary>Inside the push's transaction; a refusal (<see cref="IngestRejectedException"/>) rolls the whole push back.</summary>
    Task ApplyAsync(K8PostureDbContext db, ScanParseResult parsed, ScanPushContext push, CancellationToken cancellationToken);

    /// <summary>After the push committed.</summary>
    Task AfterCommitAsync(ScanParseResult parsed, ScanPushContext push, CancellationToken cancellationToken);
}
