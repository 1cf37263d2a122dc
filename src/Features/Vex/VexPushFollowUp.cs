using K8Posture.Data;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Vex;

/// <summary>A finding pushed after a not_affected statement that covers it is born not affected (its history says which document).</summary>
public sealed class VexPushFollowUp : IFindingPushFollowUp
{
    /// <summary>After the exploit-intel score (Intel, 10): the verdict does not change the priority.</summary>
    public int Order => 20;

    public async Task AfterCreatedAsync(K8PostureDbContext db, FindingPush push, long firstCreatedId, CancellationToken cancellationToken)
    {
        var statements = await db.VexStatements.AsNoTracking().IgnoreQueryFilters().Where(s => s.Status == VexStatus.NotAffected)
            .Select(s => new { s.VulnerabilityId, s.Aliases }).Distinct().ToListAsync(cancellationToken);
        if (statements.Count == 0)
        {
            return;
        }
        await VexEvaluator.ApplyAsync(db, VexEvaluator.VulnerabilityKeys(statements.Select(s => (s.VulnerabilityId, s.Aliases))), [], firstCreatedId, push.At,
            "", cancellationToken, push.BatchId);
    }
}
