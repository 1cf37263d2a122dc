using System.Buffers;
using System.Text.Json;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// Reads a JSON report token by token, or one whole value at a time, through a pooled buffer refilled from its
/// <see cref="IReportBytes"/>, so a report in a spool file is read without ever being in memory whole. A value (a finding)
/// is returned as one contiguous slice with its position in the report, however the buffer's refills cut it: a step that
/// runs out of bytes is retried from the state before it once more bytes are in (the buffer grows when one value does not fit).
/// </summary>
public sealed class ReportJsonReader : IDisposable
{
    public const int DefaultBufferSize = 1024 * 1024;

    private readonly IReportBytes _bytes;
    private byte[] _buffer;
    // Unread bytes are _buffer[_start.._end]; _buffer[0] is the report's byte _bufferOffset.
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _final;
    private JsonReaderState _state;

    /// <param name="from">Where the JSON starts (after a byte order mark).</param>
    /// <param name="bufferSize">What is read at once to begin with (tests make it small to cut every value across refills).</param>
    public ReportJsonReader(IReportBytes bytes, long from, JsonReaderOptions options, int bufferSize = DefaultBufferSize)
    {
        _bytes = bytes;
        _bufferOffset = from;
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(bytes.Length - from, 1, bufferSize));
        _final = bytes.Length <= from;
        _state = new JsonReaderState(options);
    }

    public JsonTokenType TokenType { get; private set; } = JsonTokenType.None;

    /// <summary>The name of the property just read; null for any other token.</summary>
    public string? PropertyName { get; private set; }

    /// <summary>The next token; false at the end of the report.</summary>
    /// <exception cref="JsonException">The report is not well-formed JSON here (its line and position are those of the whole report).</exception>
    public bool Read()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            if (reader.Read())
            {
                TokenType = reader.TokenType;
                PropertyName = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString() : null;
                Advance(ref reader);
                return true;
            }
            if (_final)
            {
                return false;
            }
            Refill();
        }
    }

    /// <summary>
    /// The next value whole (an object or array with everything in it), valid until the next read, and the position of its
    /// first byte in the report. <see cref="TokenType"/> is the value's first token.
    /// </summary>
    /// <exception cref="JsonException">The report is not well-formed JSON here, or ends.</exception>
    public ReadOnlyMemory<byte> ReadValue(out long offset)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            if (reader.Read())
            {
                var first = reader.TokenType;
                var valueStart = checked((int)reader.TokenStartIndex);
                if (first is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip())
                {
                    TokenType = first;
                    PropertyName = null;
                    var value = _buffer.AsMemory(_start + valueStart, checked((int)reader.BytesConsumed) - valueStart);
                    offset = _bufferOffset + _start + valueStart;
                    Advance(ref reader);
                    return value;
                }
            }
            else if (_final)
            {
                throw new JsonException("The report ends where a value was expected.", null, null, null);
            }
            Refill();
        }
    }

    private void Advance(ref Utf8JsonReader reader)
    {
        _state = reader.CurrentState;
        _start += checked((int)reader.BytesConsumed);
    }

    private void Refill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(checked(_buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var read = _bytes.ReadAt(_bufferOffset + _end, _buffer.AsSpan(_end));
        _end += read;
        _final = read == 0 || _bufferOffset + _end >= _bytes.Length;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
