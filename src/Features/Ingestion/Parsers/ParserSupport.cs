using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>Helpers the additional parsers share: content sniffing, severity bands, shape checks.</summary>
internal static class ParserSupport
{
    /// <summary>
    /// The top-level property names of a JSON object and the values of its top-level string properties, read from the
    /// start of the payload and stopping at the first incomplete or malformed token. Never throws.
    /// </summary>
    public static (HashSet<string> Names, Dictionary<string, string> Strings) TopLevel(ReadOnlySpan<byte> payload, int maxBytes = 64 * 1024)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var head = JsonPayload.WithoutBom(payload);
        if (head.Length > maxBytes)
        {
            head = head[..maxBytes];
        }
        var reader = new Utf8JsonReader(head, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (names, strings);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString() ?? "";
                names.Add(name);
                if (!reader.Read())
                {
                    break;
                }
                if (reader.TokenType == JsonTokenType.String)
                {
                    strings[name] = reader.GetString() ?? "";
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Best effort: detection works on what could be read.
        }
        catch (InvalidOperationException)
        {
            // A value of an unexpected token type; same.
        }
        return (names, strings);
    }

    /// <summary>The first token of the payload (after a BOM and whitespace), or None when there is nothing readable.</summary>
    public static JsonTokenType FirstToken(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(JsonPayload.WithoutBom(payload), isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            return reader.Read() ? reader.TokenType : JsonTokenType.None;
        }
        catch (JsonException)
        {
            return JsonTokenType.None;
        }
    }

    /// <summary>CVSS v3 qualitative bands (also GitHub's for SARIF security-severity): 9+ critical, 7+ high, 4+ medium, above 0 low, 0 info.</summary>
    public static FindingSeverity FromCvssScore(double score) => score switch
    {
        double.NaN or < 0 => FindingSeverity.Unknown,
        >= 9.0 => FindingSeverity.Critical,
        >= 7.0 => FindingSeverity.High,
        >= 4.0 => FindingSeverity.Medium,
        > 0 => FindingSeverity.Low,
        _ => FindingSeverity.Info,
    };

    public static void RequireObject(JsonElement item, string pointer, string what)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"Each {what} should be an object but {pointer} is {JsonPayload.Describe(item.ValueKind)}.", pointer);
        }
    }

    public static JsonElement RequireRootObject(JsonDocument document, string formatName)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"A {formatName} report is an object, but this payload is {JsonPayload.Describe(root.ValueKind)}.", "");
        }
        return root;
    }

    public static NormalisedFinding WithImage(this NormalisedFinding finding, ImageReference? image) => image is null
        ? finding
        : finding with
        {
            ImageRegistry = image.Registry,
            ImageRepository = image.Repository,
            ImageTag = image.Tag,
            ImageDigest = image.Digest,
        };

    public static NormalisedFinding WithCompliance(this NormalisedFinding finding, ComplianceMappings.Mapping? mapping) => mapping is null
        ? finding
        : finding with { OwaspK8s = mapping.OwaspK8s, PssControl = mapping.PssControl };

    public static string? JoinText(string separator, params string?[] parts)
    {
        var text = string.Join(separator, parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
        return text.Length == 0 ? null : text;
    }

    /// <summary>The image a report names, trying each candidate in order; the digest comes from the first candidate that has one for the same repository.</summary>
    public static ImageReference? ResolveImage(IEnumerable<string?> candidates, IEnumerable<string?> digestCandidates)
    {
        var image = candidates.Select(ImageReference.TryParse).FirstOrDefault(i => i is not null);
        if (image is { Digest: null })
        {
            var digests = digestCandidates.Select(ImageReference.TryParse).OfType<ImageReference>().ToList();
            var digest = digests.Where(d => d.FullRepository == image.FullRepository).Select(d => d.Digest).FirstOrDefault(d => d is not null)
                ?? digests.Select(d => d.Digest).FirstOrDefault(d => d is not null);
            image = image with { Digest = digest };
        }
        return image;
    }
}
