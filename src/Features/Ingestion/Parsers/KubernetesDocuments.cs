using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;
using YamlDotNet.RepresentationModel;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>One Kubernetes object of a payload, and where it sits: a JSON pointer into its document.</summary>
internal readonly record struct KubernetesObject(JsonElement Element, string Pointer)
{
    public string? ApiVersion => Element.String("apiVersion");
    public string? Kind => Element.String("kind");
}

/// <summary>
/// Kubernetes objects as <c>kubectl get -o json|yaml</c> and operators write them: a JSON object, or YAML with one or
/// more <c>---</c> documents, each an object or a List (<c>kind: List</c>, <c>VulnerabilityReportList</c>, … with
/// <c>items</c>) flattened into its items. YAML becomes System.Text.Json documents: plain scalars typed by the YAML 1.2
/// core schema (null, true/false, numbers in JSON syntax, keeping the number's text so "1.10" stays "1.10"), quoted
/// scalars and everything else as strings.
/// </summary>
internal sealed partial class KubernetesDocuments : IDisposable
{
    private const int MaxDepth = 256;

    private readonly List<JsonDocument> _documents;

    private KubernetesDocuments(List<JsonDocument> documents, List<KubernetesObject> objects)
    {
        _documents = documents;
        Objects = objects;
    }

    /// <summary>The objects of the payload, Lists flattened, in order.</summary>
    public IReadOnlyList<KubernetesObject> Objects { get; }

    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }
    }

    /// <exception cref="ScanParseException">Malformed or truncated JSON or YAML ("line N, position M"), or a document that is not an object (JSON pointer).</exception>
    public static KubernetesDocuments Parse(ReadOnlyMemory<byte> payload, string formatName)
    {
        var documents = IsJson(payload.Span)
            ? [JsonPayload.Parse(payload, formatName)]
            : ParseYaml(payload, formatName);
        try
        {
            var objects = new List<KubernetesObject>();
            for (var index = 0; index < documents.Count; index++)
            {
                // A multi-document YAML stream reads as an array of its documents: "/1/items/0" is the first item of the second.
                var prefix = documents.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"/{index}") : "";
                Flatten(documents[index].RootElement, prefix, objects, formatName);
            }
            return new KubernetesDocuments(documents, objects);
        }
        catch
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// The apiVersion and kind of the payload's first object (the first item of a List), read from its start and
    /// stopping at the first incomplete or malformed token, JSON or YAML. Never throws.
    /// </summary>
    public static (string? ApiVersion, string? Kind) Sniff(ReadOnlySpan<byte> payload, int maxBytes = 64 * 1024)
    {
        var head = JsonPayload.WithoutBom(payload);
        if (head.Length > maxBytes)
        {
            head = head[..maxBytes];
        }
        try
        {
            return IsJson(head) ? SniffJson(head) : SniffYaml(head);
        }
        catch (Exception ex) when (ex is JsonException or YamlException or InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            return (null, null);
        }
    }

    /// <summary>True for "v1", "List" and "…List" containers of <c>items</c>.</summary>
    public static bool IsListKind(string? kind) => kind is not null && kind.EndsWith("List", StringComparison.Ordinal);

    private static bool IsJson(ReadOnlySpan<byte> payload)
    {
        var trimmed = JsonPayload.WithoutBom(payload).TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] is (byte)'{' or (byte)'[';
    }

    private static void Flatten(JsonElement element, string pointer, List<KubernetesObject> objects, string formatName)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException(
                $"A {formatName} document is a Kubernetes object, but {(pointer.Length == 0 ? "this payload" : pointer)} is {JsonPayload.Describe(element.ValueKind)}.", pointer);
        }
        var kind = element.String("kind");
        if (IsListKind(kind) || (kind is null && element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array && element.String("apiVersion") == "v1"))
        {
            foreach (var (item, itemPointer) in element.Array("items", pointer))
            {
                Flatten(item, itemPointer, objects, formatName);
            }
            return;
        }
        objects.Add(new KubernetesObject(element, pointer));
    }

    private static List<JsonDocument> ParseYaml(ReadOnlyMemory<byte> payload, string formatName)
    {
        var stream = new YamlStream();
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(JsonPayload.WithoutBom(payload).Span);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw YamlError(ex, formatName);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ScanParseException($"The {formatName} payload is neither JSON nor UTF-8 YAML.", "line 1, position 1", ex);
        }

        // Without aliases a node costs at least a byte of input; aliases may repeat nodes, but an alias bomb
        // ("billion laughs") must not expand into gigabytes.
        var nodeBudget = 2L * payload.Length + 10_000;
        var documents = new List<JsonDocument>();
        try
        {
            foreach (var document in stream.Documents)
            {
                // An empty document ("---" at the end of a stream) holds nothing.
                if (document.RootNode is YamlScalarNode { Style: ScalarStyle.Plain, Tag.IsEmpty: true } scalar && scalar.Value is null or "")
                {
                    continue;
                }
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    Write(writer, document.RootNode, 0, ref nodeBudget);
                }
                documents.Add(JsonDocument.Parse(buffer.WrittenMemory));
            }
        }
        catch
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
            throw;
        }
        if (documents.Count == 0)
        {
            throw new ScanParseException($"The {formatName} payload is empty: no JSON object or YAML document.", "line 1, position 1");
        }
        return documents;
    }

    private static ScanParseException YamlError(YamlException ex, string formatName)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"line {ex.Start.Line}, position {ex.Start.Column}");
        var reason = (ex.InnerException as YamlException)?.Message ?? ex.Message;
        // YamlDotNet prefixes its messages with the span; the position is reported separately.
        var cut = reason.IndexOf("): ", StringComparison.Ordinal);
        if (reason.StartsWith('(') && cut > 0)
        {
            reason = reason[(cut + 3)..];
        }
        return new ScanParseException($"The {formatName} payload is not valid YAML: it broke at {where} ({reason.TrimEnd('.')}).", where, ex);
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, ref long nodeBudget)
    {
        if (--nodeBudget < 0)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"line {node.Start.Line}, position {node.Start.Column}");
            throw new ScanParseException($"The YAML expands to far more nodes than its size allows (aliases repeated too often) at {at}.", at);
        }
        if (depth > MaxDepth)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"line {node.Start.Line}, position {node.Start.Column}");
            throw new ScanParseException($"The YAML nests deeper than {MaxDepth} levels (or an alias refers to itself) at {where}.", where);
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode keyScalar ? keyScalar.Value ?? "" : key.ToString());
                    Write(writer, value, depth + 1, ref nodeBudget);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var child in sequence.Children)
                {
                    Write(writer, child, depth + 1, ref nodeBudget);
                }
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The YAML 1.2 core schema for plain scalars; an explicit <c>!!str</c> or any quoting keeps a string.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style != ScalarStyle.Plain || tag is "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(value);
            return;
        }
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE")
        {
            writer.WriteBooleanValue(true);
        }
        else if (value is "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(false);
        }
        else if (JsonNumber().IsMatch(value))
        {
            // The original text, so "1.10" and "0.72" read back exactly as written.
            writer.WriteRawValue(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    private static (string? ApiVersion, string? Kind) SniffJson(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, null);
        }
        string? apiVersion = null;
        string? kind = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            if (!reader.Read())
            {
                break;
            }
            if (name == "items" && reader.TokenType == JsonTokenType.StartArray)
            {
                // A List: its first item says what the list holds (the List's own kind may come after the items).
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var (itemApiVersion, itemKind) = ReadJsonIdentity(ref reader);
                    if (itemApiVersion is not null || itemKind is not null)
                    {
                        return (itemApiVersion, itemKind);
                    }
                }
                break;
            }
            if (reader.TokenType == JsonTokenType.String && name is "apiVersion" or "kind")
            {
                (apiVersion, kind) = name == "kind" ? (apiVersion, reader.GetString()) : (reader.GetString(), kind);
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                break;
            }
        }
        return (apiVersion, kind);
    }

    /// <summary>apiVersion and kind of the object the reader has just entered, as far as the head goes.</summary>
    private static (string? ApiVersion, string? Kind) ReadJsonIdentity(ref Utf8JsonReader reader)
    {
        string? apiVersion = null;
        string? kind = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    break;
                }
                if (reader.TokenType == JsonTokenType.String && name is "apiVersion" or "kind")
                {
                    (apiVersion, kind) = name == "kind" ? (apiVersion, reader.GetString()) : (reader.GetString(), kind);
                    if (apiVersion is not null && kind is not null)
                    {
                        break;
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // What was read so far is the answer.
        }
        return (apiVersion, kind);
    }

    private static (string? ApiVersion, string? Kind) SniffYaml(ReadOnlySpan<byte> head)
    {
        // Decode leniently: the head may end inside a multi-byte character.
        var parser = new Parser(new StringReader(Encoding.UTF8.GetString(head)));
        string? apiVersion = null;
        string? kind = null;
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _) || !parser.TryConsume<MappingStart>(out _))
            {
                return (null, null);
            }
            while (parser.TryConsume<YamlScalar>(out var key))
            {
                if (key.Value == "items" && parser.TryConsume<SequenceStart>(out _))
                {
                    if (parser.TryConsume<MappingStart>(out _))
                    {
                        var item = ReadYamlIdentity(parser);
                        if (item.ApiVersion is not null || item.Kind is not null)
                        {
                            return item;
                        }
                    }
                    break;
                }
                if (key.Value is "apiVersion" or "kind" && parser.Accept<YamlScalar>(out var value))
                {
                    (apiVersion, kind) = key.Value == "kind" ? (apiVersion, value.Value) : (value.Value, kind);
                }
                parser.SkipThisAndNestedEvents();
            }
        }
        catch (YamlException)
        {
            // Truncated or malformed: what was read so far is the answer.
        }
        return (apiVersion, kind);
    }

    private static (string? ApiVersion, string? Kind) ReadYamlIdentity(Parser parser)
    {
        string? apiVersion = null;
        string? kind = null;
        try
        {
            while (parser.TryConsume<YamlScalar>(out var key) && (apiVersion is null || kind is null))
            {
                if (key.Value is "apiVersion" or "kind" && parser.Accept<YamlScalar>(out var value))
                {
                    (apiVersion, kind) = key.Value == "kind" ? (apiVersion, value.Value) : (value.Value, kind);
                }
                parser.SkipThisAndNestedEvents();
            }
        }
        catch (YamlException)
        {
            // Same as above.
        }
        return (apiVersion, kind);
    }
}
