using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// Work on the findings a push just created, in the push's transaction, run by <see cref="FindingStore"/> in
/// <see cref="Order"/>: the exploit-intel priority (Intel) and the VEX verdict (Vex), so a new finding is born scored and,
/// when a VEX statement already covers it, not affected. Implementations are singletons and read through the push's context.
/// </summary>
public interface IFindingPushFollowUp
{
    int Order { get; }

    /// <summary><paramref name="firstCreatedId"/>: every finding from this id on was created by the push (ids grow; a concurrent push's extra rows are harmless to re-score).</summary>
    Task AfterCreatedAsync(K8PostureDbContext db, FindingPush push, long firstCreatedId, CancellationToken cancellationToken);
}
