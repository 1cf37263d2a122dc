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
            return Spooled(await ReportSpool.WriteAsync(body, limit, spoolFolder, cancellationToken));
        }

        // An encoded body tells its size only once it is read: it is read into memory until it proves longer than spoolFrom.
        // Small segments, not one growing array: they are short-lived garbage, where pooled or large arrays would stay.
        var segments = new List<byte[]>();
        long total = 0;
        while (true)
        {
            var segment = new byte[ReadSegmentBytes];
            var filled = 0;
            int read;
            while (filled < segment.Length && (read = await body.ReadAsync(segment.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }
            total += filled;
            if (total > limit)
            {
                throw new BodyTooLargeException(limit);
            }
            if (total > spoolFrom)
            {
                return Spooled(await ReportSpool.WriteAsync(new SegmentsThenRest(segments, segment.AsMemory(0, filled), body), limit, spoolFolder, cancellationToken));
            }
            segments.Add(segment);
            if (filled < segment.Length)
            {
                var payload = new byte[total];
                for (var i = 0; i < segments.Count; i++)
                {
                    segments[i].AsSpan(0, (int)Math.Min(ReadSegmentBytes, total - (long)i * ReadSegmentBytes)).CopyTo(payload.AsSpan(i * ReadSegmentBytes));
                }
                return InMemory(payload);
            }
        }
    }

    /// <summary>Below the large object heap's threshold (85,000 bytes).</summary>
    private const int ReadSegmentBytes = 64 * 1024;

    /// <summary>What was read into memory before the body proved long, then the rest of the body.</summary>
    private sealed class SegmentsThenRest(List<byte[]> segments, ReadOnlyMemory<byte> last, Stream rest) : Stream
    {
        private int _segment;
        private ReadOnlyMemory<byte> _current = segments.Count > 0 ? segments[0] : last;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_current.IsEmpty && _segment <= segments.Count)
            {
                _segment++;
                _current = _segment < segments.Count ? segments[_segment] : _segment == segments.Count ? last : ReadOnlyMemory<byte>.Empty;
            }
            if (_current.IsEmpty)
            {
                return await rest.ReadAsync(buffer, cancellationToken);
            }
            var count = Math.Min(buffer.Length, _current.Length);
            _current[..count].CopyTo(buffer);
            _current = _current[count..];
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public void Dispose() => Spool?.Dispose();
}
