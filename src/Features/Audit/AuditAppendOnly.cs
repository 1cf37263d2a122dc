using K8Posture.Features.Audit;

namespace K8Posture.Data;

// Defence in depth beside the database triggers: the application itself has no path that rewrites the audit log.
public abstract partial class K8PostureDbContext
{
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditAppendOnlyGuard.RefuseRewrites(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditAppendOnlyGuard.RefuseRewrites(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
