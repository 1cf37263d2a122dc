using System.Buffers;
using System.Security.Cryptography;
using K8Posture.Shared;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// A scan report as a push received it: in memory, or — longer than <see cref="IngestionOptions.SpoolFromBytes"/> — in a
/// spool file (<see cref="ReportSpool"/>), so a large report is never in memory whole (docs/ARCHITECTURE.md, Ingestion
/// memory). Disposing it deletes the spool.
/// </summary>
public sealed class ReceivedReport : IDisposable
{
    /// <summary>What format detection sees of a spooled report; every parser's sniff reads less than this.</summary>
    private const int HeadBytes = 1024 * 1024;

    private readonly ReadOnlyMemory<byte> _payload;

    private ReceivedReport(ReadOnlyMemory<byte> payload, ReportSpool? spool)
    {
        _payload = payload;
        Spool = spool;
    }

    public static ReceivedReport InMemory(ReadOnlyMemory<byte> payload) => new(payload, null);

    /// <summary>Owns <paramref name="spool"/> from now on.</summary>
    public static ReceivedReport Spooled(ReportSpool spool) => new(default, spool);

    /// <summary>Null when the report is in memory.</summary>
    public ReportSpool? Spool { get; }

    public long Length => Spool?.Length ?? _payload.Length;

    public bool IsEmpty => Length == 0;

    /// <summary>Lower-case hex, as a batch stores it.</summary>
    public string Sha256() => Spool?.Sha256 ?? Convert.ToHexStringLower(SHA256.HashData(_payload.Span));

    /// <summary>The start of the report, for format detection.</summary>
    public ReadOnlyMemory<byte> Head()
    {
        if (Spool is null)
        {
            return _payload;
        }
        var head = new byte[Math.Min(HeadBytes, Spool.Length)];
        Spool.ReadExactlyAt(0, head);
        return head;
    }

    /// <summary>What the batch keeps of the report.</summary>
    public byte[] Gzip() => Spool is null ? IngestBatchRecording.Gzip(_payload.Span) : IngestBatchRecording.Gzip(Spool);

    /// <exception cref="ScanParseException">As <see cref="IScanParser.Parse"/>.</exception>
    public ScanParseResult Parse(IScanParser parser) => Spool is null ? parser.Parse(_payload) : parser.ParseReport(Spool);

    /// <summary>
    /// Reads <paramref name="body"/> to its end: into memory up to <paramref name="spoolFrom"/> bytes, into a spool in
    /// <paramref name="spoolFolder"/> beyond. <paramref name="length"/>: what the request declares, when it is not encoded.
    /// </summary>
    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes; nothing is left behind.</exception>
    public static async Task<ReceivedReport> ReceiveAsync(Stream body, long? length, long limit, long spoolFrom, string? spoolFolder, CancellationToken cancellationToken)
    {
        spoolFrom = Math.Clamp(spoolFrom, 0, Array.MaxLength - 1);
        if (length is { } declared && declared <= spoolFrom)
        {
            var exact = new byte[declared];
            var filled = 0;
            int read;
            while (filled < exact.Length && (read = await body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }
            return InMemory(exact.AsMemory(0, filled));
        }
        if (length is not null)
        {
            return Spooled(await ReportSpool.WriteAsync(ReadOnlyMemory<byte>.Empty, body, limit, spoolFolder, cancellationToken));
        }

        // An encoded body tells its size only once it is read: it is read into memory until it proves larger than spoolFrom.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(64 * 1024, spoolFrom + 1));
        try
        {
            var total = 0;
            while (true)
            {
                // The pool may hand out more than asked for; what is read into memory stops one byte past spoolFrom.
                var capacity = (int)Math.Min(buffer.Length, spoolFrom + 1);
                if (total == capacity)
                {
                    if (total > spoolFrom)
                    {
                        return Spooled(await ReportSpool.WriteAsync(buffer.AsMemory(0, total), body, limit, spoolFolder, cancellationToken));
                    }
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, spoolFrom + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }
                var read = await body.ReadAsync(buffer.AsMemory(total, capacity - total), cancellationToken);
                if (read == 0)
                {
                    return InMemory(buffer.AsSpan(0, total).ToArray());
                }
                total += read;
                if (total > limit)
                {
                    throw new BodyTooLargeException(limit);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => Spool?.Dispose();
}
