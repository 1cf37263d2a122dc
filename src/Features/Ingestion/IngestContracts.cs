using K8Posture.Shared.Http;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion;

/// <summary>The query parameters of <c>POST /api/v1/ingest/scans</c>.</summary>
public sealed record ScanPushOptions(
    string? Format = null,
    string? Cluster = null,
    string? Scope = null,
    string? Team = null,
    string? Pipeline = null,
    string? Commit = null,
    bool Complete = false);

/// <summary>What a push did: the counts of docs/ARCHITECTURE.md, Finding identity and lifecycle.</summary>
public sealed record IngestOutcome(
    long BatchId,
    string Status,
    string Format,
    string Source,
    string ScopeKey,
    int Created,
    int Updated,
    int Unchanged,
    int Closed,
    int Reopened);

/// <summary>Bad input, told in a way a person can act on (becomes RFC 9457 problem details).</summary>
public sealed class IngestRejectedException(string title, string detail, int statusCode = 400, long? batchId = null, string? pointer = null)
    : ProblemException(statusCode, title, detail)
{
    public long? BatchId { get; } = batchId;
    /// <summary>JSON pointer, or "line N, position M", of where the payload broke.</summary>
    public string? Pointer { get; } = pointer;

    /// <summary>The detail with where it broke; the message alone is what the batch records.</summary>
    public override string Detail => Pointer is null ? Message : $"{Message} (at {Pointer})";

    /// <summary>The batch that kept the payload, and where it broke.</summary>
    public override IReadOnlyDictionary<string, object?> Extensions
    {
        get
        {
            var extensions = new Dictionary<string, object?>();
            if (BatchId is { } batchId)
            {
                extensions["batchId"] = batchId;
            }
            if (Pointer is { } pointer)
            {
                extensions["pointer"] = pointer;
            }
            return extensions;
        }
    }

    public IResult ToProblem() => ToResult();
}

/// <summary>Any failure to read a pushed payload is the payload's fault, never a 500: a parser's own slip included.</summary>
public static class PayloadParsing
{
    /// <param name="what">What the payload is called in the refusal: "report" for scans, "payload" for inventory.</param>
    public static T Read<T>(string format, string what, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ScanParseException ex)
        {
            throw new IngestRejectedException($"Malformed {format} {what}", ex.Message, pointer: ex.Pointer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException and not IngestRejectedException)
        {
            throw new IngestRejectedException($"Malformed {format} {what}", $"The {format} {what} could not be read: {ex.Message}");
        }
    }
}
