using System.Globalization;
using System.Text.Json;

namespace K8Posture.Features.Ingestion;

/// <summary>Shared helpers for JSON report parsers: tolerant reads, and errors that say where the payload broke.</summary>
internal static class JsonPayload
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> payload) =>
        payload.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? payload[3..] : payload;

    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> payload) =>
        payload.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? payload[3..] : payload;

    /// <exception cref="ScanParseException">Malformed or truncated JSON, with the line and byte position.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> payload, string formatName)
    {
        try
        {
            return JsonDocument.Parse(WithoutBom(payload), DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex, formatName);
        }
    }

    /// <summary>Where malformed or truncated JSON broke, as the refusal says it.</summary>
    public static ScanParseException Malformed(JsonException ex, string formatName)
    {
        var line = (ex.LineNumber ?? 0) + 1;
        var position = (ex.BytePositionInLine ?? 0) + 1;
        var where = string.Create(CultureInfo.InvariantCulture, $"line {line}, position {position}");
        var truncated = ex.Message.Contains("end of", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("incomplete", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("ends", StringComparison.OrdinalIgnoreCase);
        return new ScanParseException(
            $"The {formatName} payload is not valid JSON{(truncated ? " (it looks truncated)" : "")}: it broke at {where}.", where, ex);
    }

    /// <summary>
    /// Reads the top-level property names of a JSON object from the start of a payload, stopping at the first
    /// incomplete or malformed token, so that detection works on truncated reports too.
    /// </summary>
    public static HashSet<string> TopLevelPropertyNames(ReadOnlySpan<byte> payload, int maxBytes = 64 * 1024)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var head = WithoutBom(payload);
        if (head.Length > maxBytes)
        {
            head = head[..maxBytes];
        }
        var reader = new Utf8JsonReader(head, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return names;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(reader.GetString() ?? "");
                if (!reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Detection is best effort; the parser reports where the payload breaks.
        }
        return names;
    }

    public static string? String(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.Text();
    }

    /// <summary>A scalar as text (a number as written); null for blanks, objects, arrays and null.</summary>
    public static string? Text(this JsonElement value)
    {
        return value.ValueKind switch
        {
            JsonValueKind.String => NullIfBlank(value.GetString()),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static double? Number(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    public static int? Integer(this JsonElement element, string name) =>
        element.Number(name) is { } number && number is >= int.MinValue and <= int.MaxValue ? (int)number : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>The array under <paramref name="name"/>; empty when missing or null.</summary>
    /// <exception cref="ScanParseException">The property holds something other than an array.</exception>
    public static IEnumerable<(JsonElement Item, string Pointer)> Array(this JsonElement element, string name, string pointer)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var arrayPointer = $"{pointer}/{Escape(name)}";
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ScanParseException($"'{name}' at {arrayPointer} should be an array but is {Describe(value.ValueKind)}.", arrayPointer);
        }
        return value.EnumerateArray().Select((item, index) => (item, string.Create(CultureInfo.InvariantCulture, $"{arrayPointer}/{index}")));
    }

    public static IReadOnlyList<string> Strings(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return value.EnumerateArray()
            .Where(v => v.ValueKind == JsonValueKind.String)
            .Select(v => v.GetString())
            .OfType<string>()
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .ToList();
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
