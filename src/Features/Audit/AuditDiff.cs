using System.Text.Json;

namespace K8Posture.Features.Audit;

/// <summary>One leaf of the before/after JSON of an audit event.</summary>
public sealed record AuditDiffLine(string Path, string? Before, string? After)
{
    public bool Changed => !string.Equals(Before, After, StringComparison.Ordinal);
}

/// <summary>Flattens the before and after JSON of an audit event into paths (a.b[0].c) and lines them up.</summary>
public static class AuditDiff
{
    public static IReadOnlyList<AuditDiffLine> Compute(string? before, string? after)
    {
        var left = Flatten(before);
        var right = Flatten(after);
        return left.Keys.Union(right.Keys, StringComparer.Ordinal)
            .Select(path => new AuditDiffLine(path, left.GetValueOrDefault(path), right.GetValueOrDefault(path)))
            .ToList();
    }

    private static Dictionary<string, string> Flatten(string? json)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return leaves;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            Walk(document.RootElement, "", leaves);
        }
        catch (JsonException)
        {
            leaves["(raw)"] = json;
        }
        return leaves;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    any = true;
                    Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, leaves);
                }
                if (!any)
                {
                    leaves[path.Length == 0 ? "(value)" : path] = "{}";
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", leaves);
                }
                if (index == 0)
                {
                    leaves[path.Length == 0 ? "(value)" : path] = "[]";
                }
                break;
            case JsonValueKind.String:
                leaves[path.Length == 0 ? "(value)" : path] = element.GetString() ?? "";
                break;
            default:
                leaves[path.Length == 0 ? "(value)" : path] = element.GetRawText();
                break;
        }
    }
}
