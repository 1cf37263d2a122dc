using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>Reading helpers shared by the alert parsers.</summary>
internal static partial class AlertJson
{
    /// <summary>RFC 3339 with up to nine fractional digits (Falco, StackRox), which DateTimeOffset alone does not take.</summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var trimmed = ExtraFraction().Replace(text.Trim(), "$1");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    /// <summary>A time given as RFC 3339 text, protobuf JSON <c>{"seconds": "…", "nanos": …}</c>, or epoch (s, ms or ns).</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString();
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    return FromEpoch(number);
                }
                return ParseTime(text);
            case JsonValueKind.Number when value.TryGetInt64(out var epoch):
                return FromEpoch(epoch);
            case JsonValueKind.Object:
                var seconds = value.Number("seconds");
                var nanos = value.Number("nanos") ?? 0;
                return seconds is null ? null : DateTimeOffset.FromUnixTimeSeconds((long)seconds.Value).AddTicks((long)(nanos / 100));
            default:
                return null;
        }
    }

    public static DateTimeOffset? FromEpoch(long epoch)
    {
        try
        {
            return epoch switch
            {
                > 100_000_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(epoch / 1_000_000),
                > 100_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(epoch / 1_000),
                > 100_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(epoch),
                > 0 => DateTimeOffset.FromUnixTimeSeconds(epoch),
                _ => null,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Leaf values below an element as (path, text) pairs, for the classifier; bounded so a huge alert stays cheap.</summary>
    public static void Flatten(JsonElement element, string path, List<KeyValuePair<string, string>> into, int max = 2000)
    {
        if (into.Count >= max)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, into, max);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}[{index++}]", into, max);
                }
                break;
            case JsonValueKind.String:
                if (element.GetString() is { Length: > 0 } text)
                {
                    into.Add(new(path, text));
                }
                break;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                into.Add(new(path, element.GetRawText()));
                break;
        }
    }

    public static IReadOnlyList<string> StringsOf(JsonElement element, string name) => element.Strings(name);

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) || value == "<NA>" ? null : value.Trim();

    /// <summary>Falco's priorities, StackRox's severities and CrowdStrike's severity names on K8Posture's scale.</summary>
    public static FindingSeverity SeverityOf(string? priority) => (priority ?? "").Trim().ToUpperInvariant().Replace("_SEVERITY", "", StringComparison.Ordinal) switch
    {
        "EMERGENCY" or "ALERT" or "CRITICAL" => FindingSeverity.Critical,
        "ERROR" or "HIGH" => FindingSeverity.High,
        "WARNING" or "WARN" or "MEDIUM" => FindingSeverity.Medium,
        "NOTICE" or "LOW" => FindingSeverity.Low,
        "INFORMATIONAL" or "INFO" or "DEBUG" => FindingSeverity.Info,
        _ => FindingSeverity.Unknown,
    };

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex ExtraFraction();
}
