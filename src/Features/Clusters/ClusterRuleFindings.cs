using K8Posture.Shared.Http;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Features.Rules;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>
/// The built-in rules applied to one cluster's objects, stored like any push: a batch holding what the rules found (its
/// payload), then the FindingStore in one transaction, audited. Used by collection, and by the demo for a cluster it cannot reach.
/// </summary>
public sealed class ClusterRuleFindings(
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    FindingStore store,
    IngestPipeline pipeline,
    PolicyEvaluator evaluator,
    AuditLog audit,
    LandscapeChangeNotifier landscape,
    TimeProvider clock)
{
    public const string Source = "k8posture-rules";

    /// <summary>
    /// Judges a cluster's objects (every object of the cluster: the push fully describes scope <c>cluster:&lt;name&gt;</c>)
    /// and applies the findings through the store as source <see cref="Source"/>; <paramref name="objects"/> is cleared once
    /// judged. Returns the distinct findings seen.
    /// </summary>
    public async Task<int> ApplyAsync(Cluster cluster, CurrentPolicy policy, List<JsonElement> objects, IReadOnlyDictionary<string, int> owners, CancellationToken ct)
    {
        var scopeKey = "cluster:" + cluster.Name;
        var (findings, payload) = Judge(objects, policy);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var batch = ReceivedBatch.Written(Source, Source, scopeKey, cluster.Name, scope.Actor, payload, now, processed: false);
        await pipeline.StoreAsync(db, batch, ct);

        var counts = await pipeline.WriteAsync(db, batch, [scopeKey], "rule findings", async (db, c) =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var counts = await store.ApplyAsync(db, new FindingPush(batch.Id, Source, scopeKey, cluster.Id, null, owners, scope.Actor, now, PolicySla.SlaOf(policy)), findings, c);
            audit.Record(db, "cluster.rules", nameof(IngestBatch), batch.Id.ToString(CultureInfo.InvariantCulture), after: new
            {
                Cluster = cluster.Name, scopeKey, counts.Created, counts.Updated, counts.Unchanged, counts.Closed, counts.Reopened,
            });
            await IngestPipeline.MarkProcessedAsync(db, batch.Id, now, counts, c);
            return counts;
        }, ct);
        landscape.NotifyFindingsChanged([.. counts.Clusters]);
        // Distinct findings (two violations with one identity are one finding).
        return counts.Seen;
    }

    /// <summary>
    /// The findings and the batch payload of a cluster's objects. Not async on purpose: the evaluation (as many objects
    /// again as findings) then dies here instead of living, hoisted into the async state machine, through the whole write.
    /// </summary>
    private (List<NormalisedFinding> Findings, BatchPayload Payload) Judge(List<JsonElement> objects, CurrentPolicy policy)
    {
        var evaluation = evaluator.Evaluate(objects, policy.Document, policy.Version);
        objects.Clear();
        var findings = evaluation.Findings.Select(f => new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = f.Category,
            Severity = f.Severity,
            Title = f.Title,
            Description = f.Message,
            Remediation = f.Remediation,
            RuleId = f.RuleId,
            NamespaceName = f.Resource.Namespace,
            ResourceKind = f.Resource.Kind,
            ResourceName = f.Resource.Name,
            Container = f.Resource.Container,
            OwaspK8s = f.OwaspK8s,
            PssControl = f.PssControl,
            References = f.References,
        }).ToList();
        // What the rules found is kept as the batch payload, like any push; written straight into gzip (a large
        // cluster's findings run to tens of megabytes of JSON, which need never sit in memory uncompressed).
        return (findings, CompressedPayload.Serialize(evaluation.Findings));
    }

    /// <summary>JSON serialised through gzip while hashing and counting the uncompressed bytes.</summary>
    private sealed class CompressedPayload : Stream
    {
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly GZipStream _gzip;
        private long _length;

        private CompressedPayload(Stream target) => _gzip = new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true);

        public static BatchPayload Serialize<T>(T value)
        {
            using var buffer = new MemoryStream();
            using var payload = new CompressedPayload(buffer);
            JsonSerializer.Serialize(payload, value, HttpJson.Options);
            payload._gzip.Dispose();
            return new BatchPayload(Convert.ToHexStringLower(payload._sha256.GetHashAndReset()), payload._length, buffer.ToArray());
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _sha256.AppendData(buffer);
            _length += buffer.Length;
            _gzip.Write(buffer);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => _gzip.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _gzip.Dispose();
                _sha256.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
