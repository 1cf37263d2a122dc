using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Features.Ingestion;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Intel;

/// <summary>A parsed CISA KEV catalog (known_exploited_vulnerabilities.json).</summary>
public sealed record KevCatalog(string? CatalogVersion, DateOnly? DateReleased, IReadOnlyList<KevEntry> Entries);

/// <summary>
/// Reads the CISA KEV JSON feed. Strict where the priority depends on it (cveID, dateAdded, dueDate,
/// knownRansomwareCampaignUse); a problem names its JSON pointer. The header's <c>count</c> is not checked: CISA's own
/// subsets keep the full catalog's count.
/// </summary>
public static partial class KevCatalogParser
{
    public const string Title = "Invalid KEV catalog";

    public static KevCatalog Parse(ReadOnlyMemory<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new IngestRejectedException(Title, "The body is not JSON: " + ex.Message.Split(" Path:")[0],
                pointer: $"line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("vulnerabilities", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new IngestRejectedException(Title, "A KEV catalog is an object with a \"vulnerabilities\" array (CISA's known_exploited_vulnerabilities.json).", pointer: "/vulnerabilities");
            }
            var entries = new List<KevEntry>(list.GetArrayLength());
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = $"/vulnerabilities/{index}";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new IngestRejectedException(Title, "Each vulnerability is an object.", pointer: at);
                }
                var cve = Text(item, "cveID", at, required: true)!.Trim().ToUpperInvariant();
                if (!CveId().IsMatch(cve))
                {
                    throw new IngestRejectedException(Title, $"cveID \"{Shorten(cve)}\" is not a CVE id (CVE-YYYY-NNNN).", pointer: at + "/cveID");
                }
                if (!seen.Add(cve))
                {
                    throw new IngestRejectedException(Title, $"{cve} is listed twice.", pointer: at + "/cveID");
                }
                var ransomware = Text(item, "knownRansomwareCampaignUse", at, required: false)?.Trim();
                if (ransomware is not (null or "Known" or "Unknown"))
                {
                    throw new IngestRejectedException(Title, $"knownRansomwareCampaignUse is \"Known\" or \"Unknown\", not \"{Shorten(ransomware)}\".", pointer: at + "/knownRansomwareCampaignUse");
                }
                entries.Add(new KevEntry
                {
                    CveId = cve,
                    VendorProject = Clip(OptionalText(item, "vendorProject", at), KevEntryConfiguration.VendorProjectMaxLength),
                    Product = Clip(OptionalText(item, "product", at), KevEntryConfiguration.ProductMaxLength),
                    VulnerabilityName = Clip(OptionalText(item, "vulnerabilityName", at), KevEntryConfiguration.VulnerabilityNameMaxLength),
                    DateAdded = Day(item, "dateAdded", at, required: true)!.Value,
                    DueDate = Day(item, "dueDate", at, required: false),
                    KnownRansomware = ransomware == "Known",
                    RequiredAction = Clip(OptionalText(item, "requiredAction", at), KevEntryConfiguration.RequiredActionMaxLength),
                });
                index++;
            }
            DateOnly? released = null;
            if (root.TryGetProperty("dateReleased", out var releasedElement) && releasedElement.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(releasedElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var releasedAt))
            {
                released = DateOnly.FromDateTime(releasedAt.UtcDateTime);
            }
            var version = root.TryGetProperty("catalogVersion", out var v) && v.ValueKind == JsonValueKind.String ? Clip(NullIfEmpty(v.GetString()), IntelFeedLoadConfiguration.VersionMaxLength) : null;
            return new KevCatalog(version, released, entries);
        }
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

    private static DateOnly? Day(JsonElement item, string name, string at, bool required)
    {
        var text = Text(item, name, at, required);
        if (text is null)
        {
            return null;
        }
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new IngestRejectedException(Title, $"{name} \"{Shorten(text)}\" is not a date (YYYY-MM-DD).", pointer: $"{at}/{name}");
    }

    /// <summary>A text field that may be missing: trimmed, and null when missing or empty.</summary>
    private static string? OptionalText(JsonElement item, string name, string at) => NullIfEmpty(Text(item, name, at, required: false)?.Trim());

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    internal static string Shorten(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex(@"^CVE-\d{4}-\d{4,}$", RegexOptions.CultureInvariant)]
    internal static partial Regex CveId();
}
