using K8Posture.Shared.Http;
using System.Globalization;
using System.Text.Json;
using Hangfire;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Tenancy;

public sealed record TenancyReconcileResult(int Mismatches, int Created, int Closed, int Reopened, long? BatchId);

/// <summary>
/// Turns "the approved assessment says X, the application runs on a less isolated cluster" into findings through the
/// FindingStore, like any scanner: source <see cref="Source"/>, one scope per application and cluster
/// (<c>cluster:&lt;name&gt;/tenancy:&lt;application&gt;</c>), owned by the application's team. Placement that now
/// fits closes the finding; one that stops fitting again reopens it. A run that changes nothing is rolled back, so the
/// hourly check leaves no empty batches behind.
/// </summary>
public sealed class TenancyMismatchJob(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    FindingStore store,
    IngestPipeline pipeline,
    PolicyStore policies,
    AuditLog audit,
    TimeProvider clock,
    LandscapeChangeNotifier findingsChanged)
{
    public const string Source = "tenancy-assessment";
    public const string RuleId = "K8P-TENANCY-001";
    public const string RecurringId = "tenancy-mismatch";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private const string NothingChanged = "nothing_changed";

    private sealed record Mismatch(string Application, int? TeamId, int AssessmentId, TenancyModel Recommended, int Score, ClusterPlacement Placement);

    [DisableConcurrentExecution(RecurringId, 600)]
    [AutomaticRetry(Attempts = 2)]
    public async Task<TenancyReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem("job:" + RecurringId);
        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await ReconcileAsync(cancellationToken);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private async Task<TenancyReconcileResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        var policy = await policies.GetCurrentAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var approved = await db.TenancyAssessments.AsNoTracking()
            .Where(a => a.Status == AssessmentStatus.Approved)
            .Select(a => new { a.Id, a.Application, a.OwnerTeamId, a.Recommendation, a.Score })
            .ToListAsync(cancellationToken);
        var placements = await TenancyPlacement.LoadAsync(db, approved.Select(a => (a.Application, a.OwnerTeamId)), cancellationToken);
        var desired = new Dictionary<string, (int ClusterId, int? TeamId, List<NormalisedFinding> Findings)>(StringComparer.Ordinal);
        var mismatches = new List<Mismatch>();
        foreach (var assessment in approved)
        {
            foreach (var placement in placements[(assessment.Application, assessment.OwnerTeamId)])
            {
                var scopeKey = ScopeKey(placement.ClusterName, assessment.Application);
                var findings = new List<NormalisedFinding>();
                if (placement.IsWeakerThan(assessment.Recommendation))
                {
                    var mismatch = new Mismatch(assessment.Application, assessment.OwnerTeamId, assessment.Id, assessment.Recommendation, assessment.Score, placement);
                    mismatches.Add(mismatch);
                    findings.Add(ToFinding(mismatch));
                }
                desired[scopeKey] = (placement.ClusterId, assessment.OwnerTeamId, findings);
            }
        }
        // Scopes that still have an open finding but no longer a placement (moved away, assessment superseded): empty pushes close them.
        var openScopes = await db.FindingSightings.AsNoTracking()
            .Where(s => s.Source == Source && s.IsOpen)
            .Select(s => new { s.ScopeKey, s.Finding!.ClusterId, s.Finding.OwnerTeamId })
            .Distinct()
            .ToListAsync(cancellationToken);
        foreach (var open in openScopes.Where(o => !desired.ContainsKey(o.ScopeKey)))
        {
            desired[open.ScopeKey] = (open.ClusterId ?? 0, open.OwnerTeamId, []);
        }
        if (desired.Count == 0)
        {
            return new TenancyReconcileResult(0, 0, 0, 0, null);
        }

        var payload = BatchPayload.Of(JsonSerializer.SerializeToUtf8Bytes(mismatches, HttpJson.Options));
        var now = clock.GetUtcNow();
        int created = 0, closed = 0, reopened = 0, updated = 0;
        long? keptBatch = null;
        // The job writes findings like any push: through the pipeline, holding the locks of the scopes it changes.
        await pipeline.WriteAsync(db, null, desired.Keys, "tenancy mismatches", async (db, ct) =>
        {
            created = closed = reopened = updated = 0;
            var transaction = db.Database.CurrentTransaction!;
            await transaction.CreateSavepointAsync(NothingChanged, ct);
            var batch = ReceivedBatch.Written(Source, Source, Source, clusterName: null, scope.Actor, payload, now, processed: true);
            db.IngestBatches.Add(batch);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var (scopeKey, (clusterId, teamId, findings)) in desired)
            {
                var counts = await store.ApplyAsync(db, new FindingPush(batch.Id, Source, scopeKey, clusterId == 0 ? null : clusterId, teamId,
                    new Dictionary<string, int>(), scope.Actor, now, PolicySla.SlaOf(policy)), findings, ct);
                created += counts.Created;
                closed += counts.Closed;
                reopened += counts.Reopened;
                updated += counts.Updated;
            }
            if (created + closed + reopened + updated == 0)
            {
                // Nothing changed: no batch to keep. Rolled back to a savepoint, so the pipeline's commit writes nothing.
                await transaction.RollbackToSavepointAsync(NothingChanged, ct);
                db.ChangeTracker.Clear();
                keptBatch = null;
                return 0;
            }
            batch.Created = created;
            batch.Updated = updated;
            batch.Closed = closed;
            batch.Reopened = reopened;
            batch.Unchanged = mismatches.Count - created - reopened - updated;
            audit.Record(db, "tenancy.mismatches", nameof(IngestBatch), batch.Id.ToString(CultureInfo.InvariantCulture),
                after: new { mismatches = mismatches.Count, created, updated, closed, reopened });
            keptBatch = batch.Id;
            return 0;
        }, cancellationToken);
        if (keptBatch is not null)
        {
            findingsChanged.NotifyFindingsChanged();
        }
        return new TenancyReconcileResult(mismatches.Count, created, closed, reopened, keptBatch);
    }

    public static string ScopeKey(string clusterName, string application) => $"cluster:{clusterName}/tenancy:{application}";

    private static NormalisedFinding ToFinding(Mismatch mismatch)
    {
        var gap = TenancyScoring.IsolationLevel(mismatch.Recommended) - TenancyScoring.IsolationLevel(mismatch.Placement.Tenancy);
        var actual = mismatch.Placement.Tenancy == TenancyModel.Unknown ? "a cluster whose tenancy model is unknown" : TenancyScoring.Label(mismatch.Placement.Tenancy).ToLowerInvariant();
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = FindingCategory.KubernetesMisconfiguration,
            Severity = gap >= 2 ? FindingSeverity.High : FindingSeverity.Medium,
            Title = $"{mismatch.Application} runs on {mismatch.Placement.ClusterName} ({actual}); its approved tenancy assessment requires: {TenancyScoring.Label(mismatch.Recommended).ToLowerInvariant()}",
            Description = $"The approved tenancy-risk assessment #{mismatch.AssessmentId} of {mismatch.Application} scored {mismatch.Score} and recommends: "
                + $"{TenancyScoring.Label(mismatch.Recommended)} — {TenancyScoring.Detail(mismatch.Recommended)}\n"
                + $"It runs in namespace(s) {string.Join(", ", mismatch.Placement.Namespaces)} of cluster {mismatch.Placement.ClusterName}, whose tenancy model is {mismatch.Placement.Tenancy}.\n\n"
                + "Remediation: move the application to a cluster with the recommended isolation, raise the cluster's isolation (and record its tenancy model), or have the assessment re-done if the answers changed.",
            RuleId = RuleId,
            ResourceKind = "Application",
            ResourceName = mismatch.Application,
            NamespaceName = mismatch.Placement.Namespaces.FirstOrDefault(),
            PrimaryUrl = $"/governance/tenancy/{mismatch.AssessmentId}",
            References = ["https://kubernetes.io/docs/concepts/security/multi-tenancy/"],
        };
    }
}
