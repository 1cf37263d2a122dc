using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Features.Ingestion.Recovery;
using K8Posture.Shared;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The <see cref="IngestBatch"/> of a push as it is received, before parsing: who sent it and how (so recovery can replay it),
/// the payload's hash and size, and, when resuming, the interrupted batch's id, attempts and time of receipt.
/// </summary>
public static class ReceivedBatch
{
    public static IngestBatch Of<TOptions>(IngestKind kind, ReadOnlyMemory<byte> payload, PushCaller caller, TOptions options, IngestBatch? interrupted,
        DateTimeOffset now, string? pipeline, int? teamId) => new()
    {
        Id = interrupted?.Id ?? 0,
        RecoveryAttempts = interrupted?.RecoveryAttempts ?? 0,
        RecoveredAt = interrupted?.RecoveredAt,
        RequestJson = PushRequest.Write(caller, options),
        Kind = kind,
        ReceivedAt = interrupted?.ReceivedAt ?? now,
        Status = IngestStatus.Received,
        TeamId = teamId,
        Pipeline = ColumnLengths.Clip(pipeline?.Trim(), ColumnLengths.Pipeline),
        Actor = ColumnLengths.Clip(caller.Actor, ColumnLengths.Actor),
        PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload.Span)),
        PayloadBytes = payload.Length,
        PayloadCompressed = IngestBatchRecording.Gzip(payload.Span),
    };
}
