using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Shared;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

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
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(JsonPayload.WithoutBom(payload).Span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ScanParseException($"The {formatName} payload is neither JSON nor UTF-8 YAML.", "line 1, position 1", ex);
        }

        var documents = new List<JsonDocument>();
        try
        {
            var nodeBudget = YamlJson.NodeBudget(payload.Length);
            foreach (var document in YamlJson.Load(text))
            {
                documents.Add(YamlJson.ToJson(document.RootNode, MaxDepth, ref nodeBudget));
            }
        }
        catch (YamlTreeException ex)
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
            throw ex.InnerException is YamlException or ArgumentException
                ? new ScanParseException($"The {formatName} payload is not valid YAML: it broke at {ex.Where} ({ex.Message}).", ex.Where, ex)
                : new ScanParseException(ex.Message, ex.Where, ex);
        }
        if (documents.Count == 0)
        {
            throw new ScanParseException($"The {formatName} payload is empty: no JSON object or YAML document.", "line 1, position 1");
        }
        return documents;
    }

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
