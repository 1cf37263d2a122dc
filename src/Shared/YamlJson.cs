using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K8Posture.Shared;

/// <summary>Why a YAML text cannot become a JSON tree, and <see cref="Where"/> it broke ("line N, position M").</summary>
public sealed class YamlTreeException(string reason, string where, Exception? inner = null) : Exception(reason, inner)
{
    public string Where { get; } = where;
}

/// <summary>
/// YAML as System.Text.Json trees, for every reader that takes YAML and JSON alike: plain scalars typed by the YAML 1.2
/// core schema (null, true/false, numbers in JSON syntax keeping their text, so "1.10" stays "1.10"), quoted scalars,
/// <c>!!str</c> and everything else as strings. Guarded against alias bombs ("billion laughs") by a node budget that
/// grows with the input's size, and against deep nesting.
/// </summary>
public static partial class YamlJson
{
    /// <summary>The documents of a YAML stream, without the empty ones (a trailing <c>---</c> holds nothing).</summary>
    /// <exception cref="YamlTreeException">The text is not valid YAML; the message is the parser's reason without its span.</exception>
    public static IReadOnlyList<YamlDocument> Load(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException as YamlException)?.Message ?? ex.Message;
            // YamlDotNet prefixes its messages with the span; the position is reported separately.
            var cut = reason.IndexOf("): ", StringComparison.Ordinal);
            if (reason.StartsWith('(') && cut > 0)
            {
                reason = reason[(cut + 3)..];
            }
            throw new YamlTreeException(reason.TrimEnd('.'), Position(ex.Start), ex);
        }
        catch (ArgumentException ex)
        {
            throw new YamlTreeException("a mapping repeats a key", "line 1, position 1", ex);
        }
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Style: ScalarStyle.Plain, Tag.IsEmpty: true, Value: null or "" })
            .ToList();
    }

    /// <summary>How many nodes a payload of this size may expand to: without aliases a node costs at least a byte.</summary>
    public static long NodeBudget(long payloadLength) => 2L * payloadLength + 10_000;

    /// <summary>The node as a JSON tree; <paramref name="nodeBudget"/> is shared by all documents of one payload.</summary>
    /// <exception cref="YamlTreeException">The node expands beyond the budget, or nests deeper than <paramref name="maxDepth"/>.</exception>
    public static JsonDocument ToJson(YamlNode root, int maxDepth, ref long nodeBudget)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root, 0, maxDepth, ref nodeBudget);
        }
        return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = maxDepth + 2 });
    }

    private static string Position(Mark mark) => string.Create(CultureInfo.InvariantCulture, $"line {mark.Line}, position {mark.Column}");

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, int maxDepth, ref long nodeBudget)
    {
        if (--nodeBudget < 0)
        {
            var at = Position(node.Start);
            throw new YamlTreeException($"The YAML expands to far more nodes than its size allows (aliases repeated too often) at {at}.", at);
        }
        if (depth > maxDepth)
        {
            var at = Position(node.Start);
            throw new YamlTreeException($"The YAML nests deeper than {maxDepth} levels (or an alias refers to itself) at {at}.", at);
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode keyScalar ? keyScalar.Value ?? "" : key.ToString());
                    Write(writer, value, depth + 1, maxDepth, ref nodeBudget);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var child in sequence.Children)
                {
                    Write(writer, child, depth + 1, maxDepth, ref nodeBudget);
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

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style != ScalarStyle.Plain || tag is "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(value);
        }
        else if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(value[0] is 't' or 'T');
        }
        else if (JsonNumber().IsMatch(value))
        {
            writer.WriteRawValue(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
