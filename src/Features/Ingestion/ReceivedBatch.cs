using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Shared;

namespace K8Posture.Features.Ingestion;

/// <summary>The raw bytes a batch keeps: their sha256, length and gzip.</summary>
public sealed record BatchPayload(string Sha256, long Length, byte[] Compressed)
{
    public static BatchPayload Of(ReadOnlySpan<byte> payload) =>
        new(Convert.ToHexStringLower(SHA256.HashData(payload)), payload.Length, IngestBatchRecording.Gzip(payload));
}

/// <summary>
/// The one way an <see cref="IngestBatch"/> is built. <see cref="Of{TOptions}"/>: a push as it is received, before parsing —
/// who sent it and how (so recovery can replay it), the payload's hash and size, and, when resuming, the interrupted
/// batch's id, attempts and time of receipt. <see cref="Written"/>: a write K8Posture makes itself (built-in rules,
/// tenancy mismatches, unregistering a cluster), which keeps what it judged as its payload.
/// </summary>
public static class ReceivedBatch
{
    /// <param name="compressPayload">False when the caller gzips the payload itself (beside the parse) and sets it before storing.</param>
    public static IngestBatch Of<TOptions>(IngestKind kind, ReadOnlyMemory<byte> payload, PushCaller caller, TOptions options, IngestBatch? interrupted,
        DateTimeOffset now, string? pipeline, int? teamId, string? clusterName = null, string? requestedScope = null, string? commit = null,
        bool compressPayload = true)
    {
        var batch = Of(kind, Convert.ToHexStringLower(SHA256.HashData(payload.Span)), payload.Length, caller, options, interrupted, now, pipeline, teamId,
            clusterName, requestedScope, commit);
        batch.PayloadCompressed = compressPayload ? IngestBatchRecording.Gzip(payload.Span) : [];
        return batch;
    }

    /// <summary>A batch of a payload known by its sha256 and length (a spooled report); the caller sets its gzip before storing.</summary>
    public static IngestBatch Of<TOptions>(IngestKind kind, string payloadSha256, long payloadLength, PushCaller caller, TOptions options, IngestBatch? interrupted,
        DateTimeOffset now, string? pipeline, int? teamId, string? clusterName = null, string? requestedScope = null, string? commit = null) => new()
    {
        Id = interrupted?.Id ?? 0,
        RecoveryAttempts = interrupted?.RecoveryAttempts ?? 0,
        RecoveredAt = interrupted?.RecoveredAt,
        RequestJson = PushRequest.Write(caller, options),
        Kind = kind,
        ReceivedAt = interrupted?.ReceivedAt ?? now,
        Status = IngestStatus.Received,
        TeamId = teamId,
        ClusterName = ColumnLengths.Clip(clusterName?.Trim(), IngestBatchConfiguration.ClusterNameMaxLength),
        RequestedScope = string.IsNullOrWhiteSpace(requestedScope) ? null : ColumnLengths.Clip(requestedScope.Trim(), IngestBatchConfiguration.RequestedScopeMaxLength),
        Pipeline = ColumnLengths.Clip(pipeline?.Trim(), IngestBatchConfiguration.PipelineMaxLength),
        Commit = ColumnLengths.Clip(commit?.Trim(), IngestBatchConfiguration.CommitMaxLength),
        Actor = ColumnLengths.Clip(caller.Actor, IngestBatchConfiguration.ActorMaxLength),
        PayloadSha256 = payloadSha256,
        PayloadBytes = payloadLength,
        PayloadCompressed = [],
    };

    /// <summary>A scan batch K8Posture writes itself for one source and scope; <paramref name="processed"/>: already done (its findings are applied in the same transaction).</summary>
    public static IngestBatch Written(string format, string source, string scopeKey, string? clusterName, string actor, BatchPayload payload,
        DateTimeOffset now, bool processed) => new()
    {
        Kind = IngestKind.Scans,
        ReceivedAt = now,
        ProcessedAt = processed ? now : null,
        Status = processed ? IngestStatus.Processed : IngestStatus.Received,
        Format = format,
        Source = source,
        ScopeKey = scopeKey,
        ClusterName = clusterName,
        Actor = actor,
        PayloadSha256 = payload.Sha256,
        PayloadBytes = payload.Length,
        PayloadCompressed = payload.Compressed,
    };
}
