using K8Posture.Shared.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>
/// Splits a push into items (one JSON object, a JSON array, or NDJSON: one object per line), detects each item's sensor
/// by its shape and hands it to that parser. Errors say where the payload broke: a JSON pointer, or the NDJSON line.
/// </summary>
public sealed class AlertPayloadParser(IEnumerable<IAlertParser> parsers)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    public const string SupportedShapes = "Falco JSON (object, array or NDJSON), the falcosidekick webhook, StackRox/ACS alerts (an alert, {\"alert\": …}, {\"msg\": …} or {\"alerts\": […]}), StackRox Splunk add-on violations ({\"violations\": […], \"newCheckpoint\": …} or single violations), CrowdStrike Falcon event-stream detections";

    /// <exception cref="ScanParseException">Malformed JSON, an unknown shape, or a malformed alert.</exception>
    /// <exception cref="ProblemException">A well-formed payload that is not a runtime alert.</exception>
    public AlertParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        var body = JsonPayload.WithoutBom(payload);
        var items = new List<(JsonElement Item, string Pointer)>();
        var documents = new List<JsonDocument>();
        try
        {
            var ndjson = false;
            try
            {
                var document = JsonDocument.Parse(body, DocumentOptions);
                documents.Add(document);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var element in document.RootElement.EnumerateArray())
                    {
                        items.Add((element, string.Create(CultureInfo.InvariantCulture, $"/{index++}")));
                    }
                }
                else
                {
                    items.Add((document.RootElement, ""));
                }
            }
            catch (JsonException ex) when (LooksLikeNdjson(body.Span))
            {
                _ = ex;
                ndjson = true;
                ReadLines(body, items, documents);
            }
            catch (JsonException ex)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}");
                throw new ScanParseException($"The alert payload is not valid JSON or NDJSON: it broke at {where}.", where, ex);
            }

            if (items.Count == 0)
            {
                return new AlertParseResult("empty", "unknown", []);
            }
            var context = new AlertParseContext();
            var alerts = new List<ParsedAlert>();
            string? format = null;
            string? source = null;
            foreach (var (item, pointer) in items)
            {
                var parser = parsers.FirstOrDefault(p => p.CanParse(item))
                    ?? throw new ScanParseException(
                        $"The item at {Where(pointer)} is not a recognised alert ({Describe(item)}); this endpoint takes {SupportedShapes}.", Where(pointer));
                format ??= parser.FormatOf(item, ndjson);
                foreach (var alert in parser.Parse(item, pointer, context))
                {
                    source ??= alert.Source;
                    alerts.Add(alert);
                }
            }
            return new AlertParseResult(format ?? "unknown", source ?? "unknown", alerts, context.Ignored);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static bool LooksLikeNdjson(ReadOnlySpan<byte> body)
    {
        var lines = 0;
        foreach (var range in body.Split((byte)'\n'))
        {
            var line = body[range].Trim(" \t\r"u8);
            if (line.Length == 0)
            {
                continue;
            }
            if (line[0] != (byte)'{')
            {
                return false;
            }
            if (++lines > 1)
            {
                return true;
            }
        }
        return false;
    }

    private static void ReadLines(ReadOnlyMemory<byte> body, List<(JsonElement, string)> items, List<JsonDocument> documents)
    {
        var lineNumber = 0;
        var start = 0;
        var span = body.Span;
        while (start <= span.Length)
        {
            lineNumber++;
            var end = span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - start : end;
            var line = body.Slice(start, length);
            start += length + 1;
            if (line.Span.Trim(" \t\r"u8).Length == 0)
            {
                if (end < 0)
                {
                    break;
                }
                continue;
            }
            try
            {
                var document = JsonDocument.Parse(line, DocumentOptions);
                documents.Add(document);
                items.Add((document.RootElement, string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}")));
            }
            catch (JsonException ex)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}, position {(ex.BytePositionInLine ?? 0) + 1}");
                throw new ScanParseException($"The NDJSON alert payload is not valid JSON at {where}.", where, ex);
            }
            if (end < 0)
            {
                break;
            }
        }
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the top level" : pointer;

    private static string Describe(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return JsonPayload.Describe(item.ValueKind);
        }
        var names = item.EnumerateObject().Select(p => p.Name).Take(8).ToList();
        var text = new StringBuilder("an object with ");
        text.Append(names.Count == 0 ? "no properties" : string.Join(", ", names));
        return text.ToString();
    }
}
