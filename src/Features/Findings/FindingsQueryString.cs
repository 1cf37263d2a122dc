using K8Posture.Data;

namespace K8Posture.Features.Findings;

/// <summary>
/// Reads and writes the filter query parameters shared by the Findings page URL and <c>GET /api/v1/findings</c>:
/// category, severity, status (Open by default, "all" for any) and q; enum names are case-insensitive.
/// </summary>
public static class FindingsQueryString
{
    public const string AnyStatus = "all";

    /// <summary>owner=unowned: the findings no owner team claims (the "Unowned" bucket of the team lists).</summary>
    public const string UnownedOwner = "unowned";

    public static bool TryParseEnum<TEnum>(string? text, out TEnum? value) where TEnum : struct, Enum
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        // Enum.TryParse also accepts numbers ("42"); only the names are part of the contract.
        if (Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var parsed) && !char.IsAsciiDigit(text.Trim()[0]) && Enum.IsDefined(parsed))
        {
            value = parsed;
            return true;
        }
        return false;
    }

    public static bool TryParseStatus(string? text, out FindingStatus? status)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            status = FindingStatus.Open;
            return true;
        }
        if (string.Equals(text.Trim(), AnyStatus, StringComparison.OrdinalIgnoreCase))
        {
            status = null;
            return true;
        }
        return TryParseEnum(text, out status);
    }

    /// <summary>"severity", "-lastSeen" (a leading minus sorts descending).</summary>
    public static bool TryParseSort(string? text, out FindingSortField field, out bool descending)
    {
        field = FindingSortField.Severity;
        descending = true;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var trimmed = text.Trim();
        descending = trimmed.StartsWith('-');
        var name = trimmed.TrimStart('-', '+');
        if (TryParseEnum<FindingSortField>(name, out var parsed) && parsed is { } value)
        {
            field = value;
            return true;
        }
        return false;
    }

    /// <summary>Reads every filter of the explorer from a query string; malformed values are ignored (treated as "any").</summary>
    public static FindingsCriteria FromQuery(string? queryString)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString);
        string? Text(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        TryParseEnum<FindingCategory>(Text("category"), out var category);
        TryParseEnum<FindingSeverity>(Text("severity"), out var severity);
        if (!TryParseStatus(Text("status"), out var status))
        {
            status = FindingStatus.Open;
        }
        if (!TryParseSort(Text("sort"), out var sortBy, out var descending))
        {
            (sortBy, descending) = (FindingSortField.Severity, true);
        }
        TryParseEnum<FindingResolution>(Text("verdict"), out var verdict);
        var owner = string.Equals(Text("owner"), UnownedOwner, StringComparison.OrdinalIgnoreCase) ? UnownedOwner : null;
        return new FindingsCriteria(category, severity, status, Text("q"), sortBy, descending,
            Text("bu"), Text("team"), Text("cluster"), Text("env"), Text("namespace"), Text("owasp"), Text("registry"), Text("cve"), Text("rule"),
            owner, verdict);
    }

    public static string Describe<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    /// <summary>The page URL for a set of filters; omits what is at its default so links stay short.</summary>
    public static string ToPageUrl(FindingsCriteria criteria)
    {
        var query = new Dictionary<string, object?>
        {
            ["category"] = criteria.Category?.ToString(),
            ["severity"] = criteria.Severity?.ToString(),
            ["status"] = criteria.Status switch
            {
                FindingStatus.Open => null,
                null => AnyStatus,
                var other => other.ToString(),
            },
            ["q"] = string.IsNullOrWhiteSpace(criteria.Search) ? null : criteria.Search.Trim(),
            ["bu"] = criteria.BusinessUnit,
            ["team"] = criteria.Team,
            ["cluster"] = criteria.Cluster,
            ["env"] = criteria.Environment,
            ["namespace"] = criteria.Namespace,
            ["owasp"] = criteria.Owasp,
            ["rule"] = criteria.Rules,
            ["registry"] = criteria.Registry,
            ["cve"] = criteria.VulnerabilityId,
            ["owner"] = criteria.Owner,
            ["verdict"] = criteria.Verdict?.ToString(),
            ["sort"] = criteria.SortBy == FindingSortField.Severity && criteria.Descending
                ? null
                : (criteria.Descending ? "-" : "") + char.ToLowerInvariant(criteria.SortBy.ToString()[0]) + criteria.SortBy.ToString()[1..],
        };
        var parts = query.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!.ToString()!)}").ToList();
        return parts.Count == 0 ? "/findings" : "/findings?" + string.Join('&', parts);
    }
}
