using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Intel;

/// <summary>
/// A push's new findings get their exploit intel and priority at once (set-based, from the feeds and the workload signals
/// of the last full re-score) instead of 0 until the hourly re-score; that re-score still refreshes the signals and the KEV SLA.
/// </summary>
public sealed class IntelPushFollowUp : IFindingPushFollowUp
{
    public int Order => 10;

    public Task AfterCreatedAsync(K8PostureDbContext db, FindingPush push, long firstCreatedId, CancellationToken cancellationToken) =>
        IntelRescorer.RescoreAsync(db, push.At, kevSlaDays: null, cancellationToken, fromFindingId: firstCreatedId);
}
