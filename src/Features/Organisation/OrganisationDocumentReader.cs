using K8Posture.Shared.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Shared;

namespace K8Posture.Features.Organisation;

public enum OrganisationFormat { Yaml, Json, Csv }

/// <summary>
/// Reads an organisation document from YAML, JSON or a CSV of teams, told apart by the content (never by a content
/// type). The whole document is checked before anything is returned: every problem, with its path, in one
/// <see cref="OrganisationDocumentException"/>. Field names are camelCase; an unknown field is a problem, so that a
/// typo never drops data silently.
/// </summary>
public static partial class OrganisationDocumentReader
{
    private const int MaxDepth = 32;

    public static OrganisationFormat Detect(ReadOnlySpan<byte> payload)
    {
        var text = WithoutBom(payload).TrimStart(" \t\r\n"u8);
        if (text.Length > 0 && text[0] is (byte)'{' or (byte)'[')
        {
            return OrganisationFormat.Json;
        }
        var lineEnd = text.IndexOfAny((byte)'\r', (byte)'\n');
        var firstLine = Encoding.UTF8.GetString(lineEnd < 0 ? text : text[..lineEnd]);
        return OrganisationCsv.LooksLikeHeader(firstLine) ? OrganisationFormat.Csv : OrganisationFormat.Yaml;
    }

    /// <exception cref="OrganisationDocumentException">The document cannot be read, or any part of it is invalid.</exception>
    public static (OrganisationDocument Document, OrganisationFormat Format) Read(ReadOnlyMemory<byte> payload)
    {
        var format = Detect(payload.Span);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(WithoutBom(payload.Span));
        }
        catch (DecoderFallbackException)
        {
            throw Refuse("", "The document is not UTF-8 text.");
        }
        return format switch
        {
            OrganisationFormat.Csv => (OrganisationCsv.Read(text), format),
            OrganisationFormat.Json => (ReadTree(ParseJson(text)), format),
            _ => (ReadTree(ParseYaml(text, payload.Length)), format),
        };
    }

    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> payload) =>
        payload.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? payload[3..] : payload;

    private static OrganisationDocumentException Refuse(string path, string message) => new([new OrganisationDocumentError(path, message)]);

    private static JsonDocument ParseJson(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}");
            throw Refuse(where, $"The document is not valid JSON: it broke at {where}.");
        }
    }

    /// <summary>YAML becomes a JSON tree (<see cref="YamlJson"/>): plain scalars typed by the YAML 1.2 core schema, quoted scalars strings.</summary>
    private static JsonDocument ParseYaml(string text, int payloadLength)
    {
        try
        {
            var documents = YamlJson.Load(text);
            if (documents.Count == 0)
            {
                throw Refuse("", "The document is empty; send an Organisation document (YAML or JSON) or a CSV of teams.");
            }
            if (documents.Count > 1)
            {
                throw Refuse("", $"The YAML holds {documents.Count} documents; send one Organisation document.");
            }
            var nodeBudget = YamlJson.NodeBudget(payloadLength);
            return YamlJson.ToJson(documents[0].RootNode, MaxDepth, ref nodeBudget);
        }
        catch (YamlTreeException ex)
        {
            throw ex.InnerException is null
                ? Refuse(ex.Where, ex.Message)
                : Refuse(ex.Where, $"The document is not valid YAML: it broke at {ex.Where} ({ex.Message}).");
        }
    }

    private static OrganisationDocument ReadTree(JsonDocument tree)
    {
        using (tree)
        {
            var reader = new TreeReader();
            var document = reader.ReadDocument(tree.RootElement);
            OrganisationDocumentChecks.CheckDuplicates(document, reader.Errors);
            if (reader.Errors.Count > 0)
            {
                throw new OrganisationDocumentException(reader.Errors, document);
            }
            return document;
        }
    }

    /// <summary>Walks the JSON tree, collecting every problem instead of stopping at the first.</summary>
    private sealed class TreeReader
    {
        private static readonly string[] RootFields = ["apiVersion", "kind", "businessUnits", "teams", "pipelineIdentities", "namespaceOwnership"];
        private static readonly string[] BusinessUnitFields = ["name", "description", "teams"];
        private static readonly string[] TeamFields = ["name", "description", "contactEmail", "chatChannel", "groups", "applications"];
        private static readonly string[] GroupFields = ["id", "displayName"];
        private static readonly string[] ApplicationFields = ["name", "description", "dataClassification", "regulatoryScope", "vendorProduct", "requiredPrivileges"];
        private static readonly string[] PipelineIdentityFields = ["entraId", "displayName", "team"];
        private static readonly string[] NamespaceOwnershipFields = ["labelKeys", "annotationKeys", "explicit"];

        public List<OrganisationDocumentError> Errors { get; } = [];

        private void Error(string path, string message) => Errors.Add(new OrganisationDocumentError(path, message));

        public OrganisationDocument ReadDocument(JsonElement root)
        {
            if (!IsObject(root, "", "the document"))
            {
                return new OrganisationDocument([], [], [], null);
            }
            CheckFields(root, "", RootFields);
            var apiVersion = root.TryGetProperty("apiVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (apiVersion != OrganisationDocument.CurrentApiVersion)
            {
                Error("apiVersion", $"'apiVersion' must be '{OrganisationDocument.CurrentApiVersion}'{(apiVersion is null ? "" : $", not '{apiVersion}'")}.");
            }
            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (kind != OrganisationDocument.DocumentKind)
            {
                Error("kind", $"'kind' must be '{OrganisationDocument.DocumentKind}'{(kind is null ? "" : $", not '{kind}'")}.");
            }
            var businessUnits = ReadList(root, "", "businessUnits", ReadBusinessUnit);
            var teams = ReadList(root, "", "teams", ReadTeam);
            var pipelines = ReadList(root, "", "pipelineIdentities", ReadPipelineIdentity);
            NamespaceOwnershipEntry? ownership = null;
            if (root.TryGetProperty("namespaceOwnership", out var rules) && rules.ValueKind != JsonValueKind.Null)
            {
                ownership = ReadNamespaceOwnership(rules, "namespaceOwnership");
            }
            return new OrganisationDocument(businessUnits, teams, pipelines, ownership);
        }

        private BusinessUnitEntry? ReadBusinessUnit(JsonElement element, string path)
        {
            if (!IsObject(element, path, "a business unit"))
            {
                return null;
            }
            CheckFields(element, path, BusinessUnitFields);
            var name = Required(element, path, "name", OrganisationValidation.Name);
            var description = Optional(element, path, "description", (f, s) => OrganisationValidation.Text(f, s));
            var teams = ReadList(element, path, "teams", ReadTeam);
            return name is null ? null : new BusinessUnitEntry(path, name, description, teams);
        }

        private TeamEntry? ReadTeam(JsonElement element, string path)
        {
            if (!IsObject(element, path, "a team"))
            {
                return null;
            }
            CheckFields(element, path, TeamFields);
            var name = Required(element, path, "name", OrganisationValidation.Name);
            var description = Optional(element, path, "description", (f, s) => OrganisationValidation.Text(f, s));
            var email = Optional(element, path, "contactEmail", OrganisationValidation.Email);
            var channel = Optional(element, path, "chatChannel", OrganisationValidation.Channel);
            var groups = ReadList(element, path, "groups", ReadGroup);
            var applications = ReadList(element, path, "applications", ReadApplication);
            return name is null ? null : new TeamEntry(path, name, description, email, channel, groups, applications);
        }

        private GroupEntry? ReadGroup(JsonElement element, string path)
        {
            if (!IsObject(element, path, "a group"))
            {
                return null;
            }
            CheckFields(element, path, GroupFields);
            var id = Required(element, path, "id", OrganisationValidation.EntraId);
            var displayName = Optional(element, path, "displayName", (f, s) => OrganisationValidation.Text(f, s, 256));
            return id is null ? null : new GroupEntry(path, id, displayName);
        }

        private ApplicationEntry? ReadApplication(JsonElement element, string path)
        {
            if (!IsObject(element, path, "an application"))
            {
                return null;
            }
            CheckFields(element, path, ApplicationFields);
            var name = Required(element, path, "name", OrganisationValidation.Name);
            var description = Optional(element, path, "description", (f, s) => OrganisationValidation.Text(f, s));
            var classification = Given<DataClassification>.Omitted;
            if (element.TryGetProperty("dataClassification", out var c))
            {
                var field = OrganisationPath.Of(path, "dataClassification");
                var text = c.ValueKind == JsonValueKind.String ? c.GetString()!.Trim() : null;
                if (text is { Length: > 0 } && char.IsLetter(text[0]) && Enum.TryParse<DataClassification>(text, ignoreCase: true, out var parsed))
                {
                    classification = Given<DataClassification>.Of(parsed);
                }
                else if (c.ValueKind == JsonValueKind.Null)
                {
                    classification = Given<DataClassification>.Of(DataClassification.Unknown);
                }
                else
                {
                    Error(field, $"'{field}' must be one of Public, Internal, Confidential, Restricted (or Unknown), not {Show(c)}.");
                }
            }
            var regulatoryScope = Optional(element, path, "regulatoryScope", (f, s) => OrganisationValidation.Text(f, s, 500));
            var vendorProduct = Given<bool>.Omitted;
            if (element.TryGetProperty("vendorProduct", out var vp))
            {
                if (vp.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    vendorProduct = Given<bool>.Of(vp.GetBoolean());
                }
                else if (vp.ValueKind == JsonValueKind.Null)
                {
                    vendorProduct = Given<bool>.Of(false);
                }
                else
                {
                    var field = OrganisationPath.Of(path, "vendorProduct");
                    Error(field, $"'{field}' must be true or false, not {Show(vp)}.");
                }
            }
            var privileges = Optional(element, path, "requiredPrivileges", (f, s) => OrganisationValidation.Text(f, s));
            return name is null ? null : new ApplicationEntry(path, name, description, classification, regulatoryScope, vendorProduct, privileges);
        }

        private PipelineIdentityEntry? ReadPipelineIdentity(JsonElement element, string path)
        {
            if (!IsObject(element, path, "a pipeline identity"))
            {
                return null;
            }
            CheckFields(element, path, PipelineIdentityFields);
            var entraId = Required(element, path, "entraId", OrganisationValidation.EntraId);
            var displayName = Required(element, path, "displayName", (f, s) =>
                OrganisationValidation.Text(f, s, 200) ?? throw OrganisationProblem.Invalid(f, $"'{f}' is required."));
            var team = Optional(element, path, "team", (f, s) => string.IsNullOrWhiteSpace(s) ? null : OrganisationValidation.Name(f, s));
            return entraId is null || displayName is null ? null : new PipelineIdentityEntry(path, entraId, displayName, team.Value);
        }

        private NamespaceOwnershipEntry? ReadNamespaceOwnership(JsonElement element, string path)
        {
            if (!IsObject(element, path, "the namespace ownership rules"))
            {
                return null;
            }
            CheckFields(element, path, NamespaceOwnershipFields);
            var labelKeys = ReadKeys(element, path, "labelKeys");
            var annotationKeys = ReadKeys(element, path, "annotationKeys");
            var explicitRules = Given<IReadOnlyDictionary<string, string>>.Omitted;
            if (element.TryGetProperty("explicit", out var map))
            {
                var mapPath = OrganisationPath.Of(path, "explicit");
                if (map.ValueKind == JsonValueKind.Null)
                {
                    explicitRules = Given<IReadOnlyDictionary<string, string>>.Of(new Dictionary<string, string>());
                }
                else if (IsObject(map, mapPath, "a map of \"cluster/namespace\" to team name"))
                {
                    var rules = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var rule in map.EnumerateObject())
                    {
                        var rulePath = $"{mapPath}[\"{rule.Name}\"]";
                        var key = rule.Name.Trim();
                        var slash = key.IndexOf('/', StringComparison.Ordinal);
                        if (slash <= 0 || slash == key.Length - 1 || key.IndexOf('/', slash + 1) >= 0 || key.Any(char.IsWhiteSpace))
                        {
                            Error(rulePath, $"'{rule.Name}' must be \"cluster/namespace\" or \"*/namespace\".");
                            continue;
                        }
                        if (rules.ContainsKey(key))
                        {
                            Error(rulePath, $"'{key}' is mapped twice.");
                            continue;
                        }
                        if (Scalar(rule.Value, rulePath) is { } team && Validate(() => OrganisationValidation.Name(rulePath, team)) is { } valid)
                        {
                            rules[key] = valid;
                        }
                    }
                    explicitRules = Given<IReadOnlyDictionary<string, string>>.Of(rules);
                }
            }
            return new NamespaceOwnershipEntry(path, labelKeys, annotationKeys, explicitRules);
        }

        private Given<IReadOnlyList<string>> ReadKeys(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out var list))
            {
                return Given<IReadOnlyList<string>>.Omitted;
            }
            var listPath = OrganisationPath.Of(path, name);
            if (list.ValueKind == JsonValueKind.Null)
            {
                return Given<IReadOnlyList<string>>.Of([]);
            }
            if (list.ValueKind != JsonValueKind.Array)
            {
                Error(listPath, $"'{listPath}' must be a list of label or annotation keys, not {Show(list)}.");
                return Given<IReadOnlyList<string>>.Omitted;
            }
            var keys = new List<string>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var itemPath = OrganisationPath.Index(listPath, index++);
                var key = Scalar(item, itemPath)?.Trim();
                if (key is null)
                {
                    continue;
                }
                if (key.Length is 0 or > 317 || key.Any(char.IsWhiteSpace))
                {
                    Error(itemPath, $"'{itemPath}' must be a Kubernetes label or annotation key such as 'team' or 'example.com/owner'.");
                    continue;
                }
                if (!keys.Contains(key, StringComparer.Ordinal))
                {
                    keys.Add(key);
                }
            }
            return Given<IReadOnlyList<string>>.Of(keys);
        }

        private List<T> ReadList<T>(JsonElement parent, string parentPath, string name, Func<JsonElement, string, T?> read) where T : class
        {
            var items = new List<T>();
            if (!parent.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
            {
                return items;
            }
            var listPath = OrganisationPath.Of(parentPath, name);
            if (list.ValueKind != JsonValueKind.Array)
            {
                Error(listPath, $"'{listPath}' must be a list, not {Show(list)}.");
                return items;
            }
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                if (read(element, OrganisationPath.Index(listPath, index++)) is { } item)
                {
                    items.Add(item);
                }
            }
            return items;
        }

        private bool IsObject(JsonElement element, string path, string what)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                return true;
            }
            Error(path, $"{(path.Length == 0 ? "The document" : $"'{path}'")} must be {what} (a mapping of fields), not {Show(element)}.");
            return false;
        }

        private void CheckFields(JsonElement element, string path, string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var field = OrganisationPath.Of(path, property.Name);
                if (!seen.Add(property.Name))
                {
                    Error(field, $"'{property.Name}' appears more than once.");
                }
                else if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    var hint = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                    Error(field, hint is not null
                        ? $"Unknown field '{property.Name}'; did you mean '{hint}'? (field names are camelCase)"
                        : $"Unknown field '{property.Name}'; the fields here are {string.Join(", ", known)}.");
                }
            }
        }

        private string? Required(JsonElement element, string path, string name, Func<string, string?, string?> validate)
        {
            var field = OrganisationPath.Of(path, name);
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Error(field, $"'{field}' is required.");
                return null;
            }
            return Scalar(value, field) is { } text ? Validate(() => validate(field, text)) : null;
        }

        private Given<string?> Optional(JsonElement element, string path, string name, Func<string, string?, string?> validate)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                return Given<string?>.Omitted;
            }
            var field = OrganisationPath.Of(path, name);
            if (value.ValueKind == JsonValueKind.Null)
            {
                return Given<string?>.Of(null);
            }
            if (Scalar(value, field) is not { } text)
            {
                return Given<string?>.Omitted;
            }
            var before = Errors.Count;
            var valid = Validate(() => validate(field, text));
            return Errors.Count == before ? Given<string?>.Of(valid) : Given<string?>.Omitted;
        }

        /// <summary>A string (a number is taken as its text, as YAML writes <c>name: 2024</c>); anything else is a problem.</summary>
        private string? Scalar(JsonElement value, string field)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.GetRawText();
                default:
                    Error(field, $"'{field}' must be text, not {Show(value)}.");
                    return null;
            }
        }

        private string? Validate(Func<string?> validate)
        {
            try
            {
                return validate();
            }
            catch (ProblemException ex)
            {
                Error(ex.Field ?? "", ex.Message);
                return null;
            }
        }

        private static string Show(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => "a mapping",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => $"'{Shorten(element.GetString()!)}'",
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "null",
        };

        private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
    }
}

/// <summary>Checks across the whole document: a name, group or pipeline identity defined twice.</summary>
internal static class OrganisationDocumentChecks
{
    public static void CheckDuplicates(OrganisationDocument document, List<OrganisationDocumentError> errors)
    {
        Unique(document.BusinessUnits.Select(b => (b.Path, b.Name)), "business unit", "name", StringComparer.OrdinalIgnoreCase, errors);
        Unique(document.AllTeams.Select(t => (t.Team.Path, t.Team.Name)), "team", "name", StringComparer.OrdinalIgnoreCase, errors);
        Unique(document.AllTeams.SelectMany(t => t.Team.Applications).Select(a => (a.Path, a.Name)), "application", "name", StringComparer.OrdinalIgnoreCase, errors);
        Unique(document.AllTeams.SelectMany(t => t.Team.Groups).Select(g => (g.Path, g.Id)), "Entra group", "id", StringComparer.OrdinalIgnoreCase, errors);
        Unique(document.PipelineIdentities.Select(p => (p.Path, p.EntraId)), "pipeline identity", "entraId", StringComparer.OrdinalIgnoreCase, errors);
    }

    private static void Unique(IEnumerable<(string Path, string Key)> entries, string what, string field, StringComparer comparer, List<OrganisationDocumentError> errors)
    {
        var first = new Dictionary<string, string>(comparer);
        foreach (var (path, key) in entries)
        {
            if (!first.TryAdd(key, path))
            {
                errors.Add(new OrganisationDocumentError(OrganisationPath.Of(path, field),
                    $"The {what} '{key}' is already defined at {first[key]}; each is defined once."));
            }
        }
    }
}
