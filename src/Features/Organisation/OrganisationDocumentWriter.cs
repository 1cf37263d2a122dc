using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace K8Posture.Features.Organisation;

/// <summary>
/// Writes an organisation document as YAML or JSON, camelCase, in the order people read it. Only given fields are
/// written; null is written as null (it clears the field on import), so an export re-imported changes nothing.
/// </summary>
public static partial class OrganisationDocumentWriter
{
    public static string ToJson(OrganisationDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteJson(writer, Tree(document));
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string ToYaml(OrganisationDocument document)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: true));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        WriteYaml(emitter, Tree(document));
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private sealed class Node : List<KeyValuePair<string, object?>>
    {
        public Node Add(string key, object? value)
        {
            Add(new KeyValuePair<string, object?>(key, value));
            return this;
        }

        public Node Add<T>(string key, Given<T> value, Func<T, object?>? convert = null)
        {
            if (value.IsGiven)
            {
                Add(key, convert is null ? value.Value : convert(value.Value));
            }
            return this;
        }
    }

    private static Node Tree(OrganisationDocument document)
    {
        var root = new Node()
            .Add("apiVersion", OrganisationDocument.CurrentApiVersion)
            .Add("kind", OrganisationDocument.DocumentKind)
            .Add("businessUnits", document.BusinessUnits.Select(b => new Node()
                .Add("name", b.Name)
                .Add("description", b.Description)
                .Add("teams", b.Teams.Select(TeamNode).ToList())).ToList())
            .Add("teams", document.Teams.Select(TeamNode).ToList())
            .Add("pipelineIdentities", document.PipelineIdentities.Select(p =>
            {
                var node = new Node().Add("entraId", p.EntraId).Add("displayName", p.DisplayName);
                return p.Team is null ? node : node.Add("team", p.Team);
            }).ToList());
        if (document.NamespaceOwnership is { } rules)
        {
            root.Add("namespaceOwnership", new Node()
                .Add("labelKeys", rules.LabelKeys, k => k.ToList<object?>())
                .Add("annotationKeys", rules.AnnotationKeys, k => k.ToList<object?>())
                .Add("explicit", rules.Explicit, map =>
                {
                    var node = new Node();
                    foreach (var (key, team) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        node.Add(key, team);
                    }
                    return node;
                }));
        }
        return root;
    }

    private static Node TeamNode(TeamEntry team) => new Node()
        .Add("name", team.Name)
        .Add("description", team.Description)
        .Add("contactEmail", team.ContactEmail)
        .Add("chatChannel", team.ChatChannel)
        .Add("groups", team.Groups.Select(g => new Node().Add("id", g.Id).Add("displayName", g.DisplayName)).ToList())
        .Add("applications", team.Applications.Select(a => new Node()
            .Add("name", a.Name)
            .Add("description", a.Description)
            .Add("dataClassification", a.DataClassification, c => c.ToString())
            .Add("regulatoryScope", a.RegulatoryScope)
            .Add("vendorProduct", a.VendorProduct, v => v)
            .Add("requiredPrivileges", a.RequiredPrivileges)).ToList());

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case Node node:
                writer.WriteStartObject();
                foreach (var (key, child) in node)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, child);
                }
                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Cannot write a {value.GetType().Name} into an organisation document.");
        }
    }

    private static void WriteYaml(IEmitter emitter, object? value)
    {
        switch (value)
        {
            case null:
                emitter.Emit(new YamlScalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case string text:
                emitter.Emit(new YamlScalar(null, null, text, IsSafePlain(text) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, true, true));
                break;
            case bool flag:
                emitter.Emit(new YamlScalar(null, null, flag ? "true" : "false", ScalarStyle.Plain, true, false));
                break;
            case Node node:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (key, child) in node)
                {
                    emitter.Emit(new YamlScalar(null, null, key, IsSafePlain(key) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, true, true));
                    WriteYaml(emitter, child);
                }
                emitter.Emit(new MappingEnd());
                break;
            case System.Collections.IList list:
                emitter.Emit(new SequenceStart(null, null, true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    WriteYaml(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            default:
                throw new InvalidOperationException($"Cannot write a {value.GetType().Name} into an organisation document.");
        }
    }

    /// <summary>
    /// Plain only when no YAML reader (1.1 or 1.2) could take it for anything but this string: no indicators, no
    /// leading or trailing space, not a word YAML 1.1 reads as a boolean or null, nothing that looks like a number.
    /// </summary>
    private static bool IsSafePlain(string text) =>
        SafePlain().IsMatch(text)
        && !NumberLike().IsMatch(text)
        && !SpecialWords.Contains(text, StringComparer.OrdinalIgnoreCase);

    private static readonly string[] SpecialWords = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];

    [GeneratedRegex(@"^[\p{L}\p{N}_][\p{L}\p{N} _.()&',+/@-]*(?<! )$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlain();

    [GeneratedRegex(@"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^0[xob]", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
