using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using K8Posture.Features.Ingestion;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Vex;

/// <summary>One statement for one product, as read from a document.</summary>
public sealed record ParsedVexStatement(
    int Ordinal,
    string VulnerabilityId,
    IReadOnlyList<string> Aliases,
    string ProductId,
    IReadOnlyList<string> Subcomponents,
    VexStatus Status,
    string? Justification,
    string? ImpactStatement,
    string? ActionStatement,
    DateTimeOffset? Timestamp);

/// <summary>A parsed VEX document: its identity, version, author and statements (one per product).</summary>
public sealed record ParsedVexDocument(
    VexFormat Format,
    string DocumentId,
    int Version,
    string? Author,
    DateTimeOffset? Timestamp,
    IReadOnlyList<ParsedVexStatement> Statements,
    int StatementsWithoutProducts,
    string PayloadSha256);

/// <summary>
/// Reads OpenVEX (v0.2.0, and the v0.0.x forms where vulnerability and products are plain strings) and CycloneDX VEX (a BOM
/// whose <c>vulnerabilities[].analysis.state</c> is set). Strict where the verdict depends on it (status, justification,
/// vulnerability, product); a problem names its JSON pointer and nothing is written.
/// </summary>
public static partial class VexDocumentParser
{
    public const string Title = "Invalid VEX document";
    public const string OpenVexContext = "https://openvex.dev/ns";

    /// <summary>OpenVEX v0.2.0 justifications (status not_affected).</summary>
    public static readonly IReadOnlySet<string> OpenVexJustifications = new HashSet<string>(StringComparer.Ordinal)
    {
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    };

    /// <summary>CycloneDX 1.4–1.6 impact analysis justifications.</summary>
    public static readonly IReadOnlySet<string> CycloneDxJustifications = new HashSet<string>(StringComparer.Ordinal)
    {
        "code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency", "requires_environment",
        "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
    };

    public static ParsedVexDocument Parse(ReadOnlyMemory<byte> payload)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(JsonPayload.WithoutBom(payload), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new IngestRejectedException(Title, "The body is not JSON: " + ex.Message.Split(" Path:")[0],
                pointer: $"line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("@context", out var context) && context.ValueKind == JsonValueKind.String
                && context.GetString()!.StartsWith(OpenVexContext, StringComparison.Ordinal))
            {
                return ParseOpenVex(root, sha256);
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("bomFormat", out var format) && format.ValueKind == JsonValueKind.String
                && format.GetString() == "CycloneDX")
            {
                return ParseCycloneDx(root, sha256);
            }
            throw new IngestRejectedException(Title,
                $"Not a VEX document: expected OpenVEX (\"@context\": \"{OpenVexContext}/v0.2.0\") or a CycloneDX BOM (\"bomFormat\": \"CycloneDX\") with vulnerabilities[].analysis.", pointer: "");
        }
    }

    private static ParsedVexDocument ParseOpenVex(JsonElement root, string sha256)
    {
        var documentTimestamp = Timestamp(root, "timestamp", "");
        var statements = new List<ParsedVexStatement>();
        if (!root.TryGetProperty("statements", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new IngestRejectedException(Title, "An OpenVEX document has a \"statements\" array.", pointer: "/statements");
        }
        var withoutProducts = 0;
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"/statements/{index}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new IngestRejectedException(Title, "Each statement is an object.", pointer: at);
            }
            var (vulnerability, aliases) = OpenVexVulnerability(item, at);
            var status = Text(item, "status", at, required: true) switch
            {
                "not_affected" => VexStatus.NotAffected,
                "affected" => VexStatus.Affected,
                "fixed" => VexStatus.Fixed,
                "under_investigation" => VexStatus.UnderInvestigation,
                var other => throw new IngestRejectedException(Title,
                    $"status is not_affected, affected, fixed or under_investigation, not \"{Shorten(other)}\".", pointer: at + "/status"),
            };
            var justification = Text(item, "justification", at, required: false);
            if (justification is not null && !OpenVexJustifications.Contains(justification))
            {
                throw new IngestRejectedException(Title,
                    $"justification \"{Shorten(justification)}\" is not one of {string.Join(", ", OpenVexJustifications)}.", pointer: at + "/justification");
            }
            var impact = Text(item, "impact_statement", at, required: false);
            if (status == VexStatus.NotAffected && justification is null && string.IsNullOrWhiteSpace(impact))
            {
                throw new IngestRejectedException(Title, "A not_affected statement needs a justification or an impact_statement (OpenVEX v0.2.0).", pointer: at);
            }
            var action = Text(item, "action_statement", at, required: false);
            var timestamp = Timestamp(item, "timestamp", at) ?? documentTimestamp;
            var products = 0;
            if (item.TryGetProperty("products", out var productList) && productList.ValueKind == JsonValueKind.Array)
            {
                var p = 0;
                foreach (var product in productList.EnumerateArray())
                {
                    var productAt = $"{at}/products/{p++}";
                    var productId = ProductIdentifier(product, productAt);
                    var subcomponents = new List<string>();
                    if (product.ValueKind == JsonValueKind.Object && product.TryGetProperty("subcomponents", out var subList) && subList.ValueKind == JsonValueKind.Array)
                    {
                        var s = 0;
                        foreach (var sub in subList.EnumerateArray())
                        {
                            subcomponents.Add(ProductIdentifier(sub, $"{productAt}/subcomponents/{s++}"));
                        }
                    }
                    statements.Add(new ParsedVexStatement(index, vulnerability, aliases, productId, subcomponents, status, justification, impact, action, timestamp));
                    products++;
                }
            }
            if (products == 0)
            {
                withoutProducts++;
            }
            index++;
        }
        var id = Text(root, "@id", "", required: false)?.Trim();
        return new ParsedVexDocument(VexFormat.OpenVex, DocumentIdOr(id, sha256), Version(root, "version"), Clip(Text(root, "author", "", required: false)?.Trim(), VexDocumentConfiguration.AuthorMaxLength),
            documentTimestamp, statements, withoutProducts, sha256);
    }

    private static (string Id, IReadOnlyList<string> Aliases) OpenVexVulnerability(JsonElement statement, string at)
    {
        if (!statement.TryGetProperty("vulnerability", out var vulnerability) || vulnerability.ValueKind == JsonValueKind.Null)
        {
            throw new IngestRejectedException(Title, "vulnerability is missing.", pointer: at + "/vulnerability");
        }
        if (vulnerability.ValueKind == JsonValueKind.String)
        {
            return (VulnerabilityId(vulnerability.GetString(), at + "/vulnerability"), []);
        }
        if (vulnerability.ValueKind != JsonValueKind.Object)
        {
            throw new IngestRejectedException(Title, "vulnerability is an object with a name.", pointer: at + "/vulnerability");
        }
        var name = Text(vulnerability, "name", at + "/vulnerability", required: false) ?? Text(vulnerability, "@id", at + "/vulnerability", required: false);
        var aliases = new List<string>();
        if (vulnerability.TryGetProperty("aliases", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var alias in list.EnumerateArray())
            {
                if (alias.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(alias.GetString()))
                {
                    aliases.Add(alias.GetString()!.Trim());
                }
            }
        }
        return (VulnerabilityId(name, at + "/vulnerability/name"), aliases);
    }

    private static string ProductIdentifier(JsonElement product, string at)
    {
        string? id = product.ValueKind switch
        {
            JsonValueKind.String => product.GetString(),
            JsonValueKind.Object => Text(product, "@id", at, required: false)
                ?? (product.TryGetProperty("identifiers", out var identifiers) && identifiers.ValueKind == JsonValueKind.Object
                    ? Text(identifiers, "purl", at + "/identifiers", required: false) : null),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new IngestRejectedException(Title, "A product names its identifier (\"@id\", a purl such as pkg:oci/name@sha256:…).", pointer: at);
        }
        id = id.Trim();
        return id.Length <= VexStatementConfiguration.ProductIdMaxLength
            ? id
            : throw new IngestRejectedException(Title, $"The product identifier is longer than {VexStatementConfiguration.ProductIdMaxLength} characters.", pointer: at);
    }

    private static ParsedVexDocument ParseCycloneDx(JsonElement root, string sha256)
    {
        var purlByRef = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("components", out var components))
        {
            CollectComponents(components, purlByRef);
        }
        DateTimeOffset? documentTimestamp = null;
        string? author = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            documentTimestamp = Timestamp(metadata, "timestamp", "/metadata");
            author = FirstName(metadata, "authors") ?? NameOf(metadata, "manufacturer") ?? NameOf(metadata, "manufacture") ?? NameOf(metadata, "supplier");
        }
        if (!root.TryGetProperty("vulnerabilities", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new IngestRejectedException(Title, "This CycloneDX BOM has no vulnerabilities array, so it states nothing as VEX; push SBOMs to /api/v1/ingest/scans.", pointer: "/vulnerabilities");
        }
        var statements = new List<ParsedVexStatement>();
        var withoutProducts = 0;
        var analysed = 0;
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"/vulnerabilities/{index}";
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("analysis", out var analysis) || analysis.ValueKind != JsonValueKind.Object
                || !analysis.TryGetProperty("state", out _))
            {
                index++;
                continue;
            }
            analysed++;
            var vulnerability = VulnerabilityId(Text(item, "id", at, required: true), at + "/id");
            var aliases = new List<string>();
            if (item.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array)
            {
                foreach (var reference in references.EnumerateArray())
                {
                    if (reference.ValueKind == JsonValueKind.Object && reference.TryGetProperty("id", out var alias) && alias.ValueKind == JsonValueKind.String)
                    {
                        aliases.Add(alias.GetString()!.Trim());
                    }
                }
            }
            var state = Text(analysis, "state", at + "/analysis", required: true);
            var status = state switch
            {
                "not_affected" or "false_positive" => VexStatus.NotAffected,
                "exploitable" => VexStatus.Affected,
                "resolved" or "resolved_with_pedigree" => VexStatus.Fixed,
                "in_triage" => VexStatus.UnderInvestigation,
                var other => throw new IngestRejectedException(Title,
                    $"analysis.state is resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected, not \"{Shorten(other)}\".", pointer: at + "/analysis/state"),
            };
            var justification = Text(analysis, "justification", at + "/analysis", required: false);
            if (justification is not null && !CycloneDxJustifications.Contains(justification))
            {
                throw new IngestRejectedException(Title,
                    $"analysis.justification \"{Shorten(justification)}\" is not one of {string.Join(", ", CycloneDxJustifications)}.", pointer: at + "/analysis/justification");
            }
            // false_positive says the scanner was wrong to report it at all: kept as the justification the drawer shows.
            justification ??= state == "false_positive" ? "false_positive" : null;
            string? response = null;
            if (analysis.TryGetProperty("response", out var responses) && responses.ValueKind == JsonValueKind.Array)
            {
                response = string.Join(", ", responses.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()));
            }
            var timestamp = Timestamp(analysis, "lastUpdated", at + "/analysis") ?? Timestamp(analysis, "firstIssued", at + "/analysis")
                ?? Timestamp(item, "updated", at) ?? documentTimestamp;
            var products = 0;
            if (item.TryGetProperty("affects", out var affects) && affects.ValueKind == JsonValueKind.Array)
            {
                var a = 0;
                foreach (var affected in affects.EnumerateArray())
                {
                    var affectedAt = $"{at}/affects/{a++}";
                    var reference = affected.ValueKind == JsonValueKind.Object ? Text(affected, "ref", affectedAt, required: true)! : throw new IngestRejectedException(Title, "affects entries are objects with a ref.", pointer: affectedAt);
                    statements.Add(new ParsedVexStatement(index, vulnerability, aliases, ProductOfRef(reference.Trim(), purlByRef, affectedAt + "/ref"), [], status,
                        justification, Text(analysis, "detail", at + "/analysis", required: false), string.IsNullOrEmpty(response) ? null : response, timestamp));
                    products++;
                }
            }
            if (products == 0)
            {
                withoutProducts++;
            }
            index++;
        }
        if (analysed == 0)
        {
            throw new IngestRejectedException(Title,
                "This CycloneDX BOM carries no VEX analysis (no vulnerabilities[].analysis.state); push SBOMs and vulnerability reports to /api/v1/ingest/scans.", pointer: "/vulnerabilities");
        }
        var serial = Text(root, "serialNumber", "", required: false)?.Trim();
        return new ParsedVexDocument(VexFormat.CycloneDx, DocumentIdOr(serial, sha256), Version(root, "version"), Clip(author?.Trim(), VexDocumentConfiguration.AuthorMaxLength),
            documentTimestamp, statements, withoutProducts, sha256);
    }

    /// <summary>
    /// An affects ref is a bom-ref of this BOM (its component's purl is the product) or a BOM-Link
    /// (<c>urn:cdx:serial/version#bom-ref</c>) to another BOM, whose fragment is the bom-ref — in practice the purl itself.
    /// </summary>
    private static string ProductOfRef(string reference, Dictionary<string, string> purlByRef, string at)
    {
        var local = reference;
        if (reference.StartsWith("urn:cdx:", StringComparison.OrdinalIgnoreCase) && reference.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
        {
            local = Uri.UnescapeDataString(reference[(hash + 1)..]);
        }
        var product = purlByRef.TryGetValue(local, out var purl) ? purl : local;
        return product.Length <= VexStatementConfiguration.ProductIdMaxLength && product.Length > 0
            ? product
            : throw new IngestRejectedException(Title, $"The affects ref is empty or longer than {VexStatementConfiguration.ProductIdMaxLength} characters.", pointer: at);
    }

    private static void CollectComponents(JsonElement components, Dictionary<string, string> purlByRef)
    {
        if (components.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        foreach (var component in components.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            if (component.TryGetProperty("bom-ref", out var bomRef) && bomRef.ValueKind == JsonValueKind.String
                && component.TryGetProperty("purl", out var purl) && purl.ValueKind == JsonValueKind.String)
            {
                purlByRef.TryAdd(bomRef.GetString()!, purl.GetString()!);
            }
            if (component.TryGetProperty("components", out var nested))
            {
                CollectComponents(nested, purlByRef);
            }
        }
    }

    private static string? FirstName(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(a => NameOf(a)).FirstOrDefault(n => n is not null)
            : null;

    private static string? NameOf(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? NameOf(value) : null;

    private static string? NameOf(JsonElement value) =>
        value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString()) ? n.GetString() : null;

    /// <summary>Without an id (Trivy's and the CycloneDX examples have none) the document is known by its content: a re-push of other bytes is another document.</summary>
    private static string DocumentIdOr(string? id, string sha256) =>
        string.IsNullOrEmpty(id) ? "sha256:" + sha256
        : id.Length <= VexDocumentConfiguration.DocumentIdMaxLength ? id
        : throw new IngestRejectedException(Title, $"The document id is longer than {VexDocumentConfiguration.DocumentIdMaxLength} characters.", pointer: "/@id");

    private static int Version(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 1;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0)
        {
            return number;
        }
        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }
        throw new IngestRejectedException(Title, "version is a whole number (it grows with every change of the document).", pointer: "/" + name);
    }

    private static string VulnerabilityId(string? id, string at)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new IngestRejectedException(Title, "The vulnerability has no name (a CVE, GHSA or other id).", pointer: at);
        }
        id = id.Trim();
        return id.Length <= VexStatementConfiguration.VulnerabilityIdMaxLength
            ? id
            : throw new IngestRejectedException(Title, $"The vulnerability id is longer than {VexStatementConfiguration.VulnerabilityIdMaxLength} characters.", pointer: at);
    }

    private static string? Text(JsonElement item, string name, string at, bool required)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new IngestRejectedException(Title, $"{name} is missing.", pointer: $"{at}/{name}") : null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new IngestRejectedException(Title, $"{name} is a string.", pointer: $"{at}/{name}");
    }

    private static DateTimeOffset? Timestamp(JsonElement item, string name, string at)
    {
        var text = Text(item, name, at, required: false);
        if (text is null)
        {
            return null;
        }
        // Go writes nanoseconds; .NET reads at most seven fractional digits.
        var trimmed = Nanoseconds().Replace(text.Trim(), "$1");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at2)
            ? at2.ToUniversalTime()
            : throw new IngestRejectedException(Title, $"{name} \"{Shorten(text)}\" is not an RFC 3339 timestamp.", pointer: $"{at}/{name}");
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;

    [System.Text.RegularExpressions.GeneratedRegex(@"(\.\d{7})\d+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Nanoseconds();
}
