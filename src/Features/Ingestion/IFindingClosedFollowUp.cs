using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// Work on the findings a push just closed, in the push's transaction, run by <see cref="FindingStore"/> after the closes
/// are written: Tickets (<c>TicketPushFollowUp</c>) takes them out of their ticket's group and queues the body update, the
/// closing comment and the transition, so a fixed image closes its ticket without waiting for the reconciliation.
/// Implementations are singletons, read through the push's context, and must stay set-based: a push can close 100,000 findings.
/// </summary>
public interface IFindingClosedFollowUp
{
    Task AfterClosedAsync(K8PostureDbContext db, FindingPush push, IReadOnlyList<long> closedIds, CancellationToken cancellationToken);
}
