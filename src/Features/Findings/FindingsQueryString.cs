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

    /// <summary>
    /// Every filter of the explorer, named as in the Findings page URL, the API and the findings export. A value that cannot be
    /// read is listed in <paramref name="errors"/> under its parameter, saying what is accepted, and read as its default: the
    /// page shows the default, the API and the export refuse the request.
    /// </summary>
    public static FindingsCriteria Parse(Func<string, string?> valueOf, out Dictionary<string, string[]> errors)
    {
        errors = [];
        string? Text(string key) => valueOf(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var (category, severity, status, sort, owner, verdict) = (Text("category"), Text("severity"), Text("status"), Text("sort"), Text("owner"), Text("verdict"));
        if (!TryParseEnum<FindingCategory>(category, out var parsedCategory))
        {
            errors["category"] = [$"'{category}' is not a category; use one of {Describe<FindingCategory>()}."];
        }
        if (!TryParseEnum<FindingSeverity>(severity, out var parsedSeverity))
        {
            errors["severity"] = [$"'{severity}' is not a severity; use one of {Describe<FindingSeverity>()}."];
        }
        if (!TryParseStatus(status, out var parsedStatus))
        {
            errors["status"] = [$"'{status}' is not a status; use one of {Describe<FindingStatus>()}, or {AnyStatus}."];
            parsedStatus = FindingStatus.Open;
        }
        if (!TryParseSort(sort, out var sortBy, out var descending))
        {
            errors["sort"] = [$"'{sort}' is not a sort field; use one of {Describe<FindingSortField>()}, with a leading '-' for descending."];
            (sortBy, descending) = (FindingSortField.Severity, true);
        }
        if (owner is not null && !string.Equals(owner, UnownedOwner, StringComparison.OrdinalIgnoreCase))
        {
            errors["owner"] = [$"'{owner}' is not an owner filter; use '{UnownedOwner}' (findings without an owner team), or team= for a team."];
        }
        if (!TryParseEnum<FindingResolution>(verdict, out var parsedVerdict))
        {
            errors["verdict"] = [$"'{verdict}' is not a verdict; use one of {Describe<FindingResolution>()}."];
        }
        return new FindingsCriteria(parsedCategory, parsedSeverity, parsedStatus, Text("q"), sortBy, descending,
            Text("bu"), Text("team"), Text("cluster"), Text("env"), Text("namespace"), Text("owasp"), Text("registry"), Text("cve"), Text("rule"),
            owner is not null && !errors.ContainsKey("owner") ? UnownedOwner : null, parsedVerdict);
    }

    /// <summary>Reads every filter from a page's query string; what cannot be read is shown at its default.</summary>
    public static FindingsCriteria FromQuery(string? queryString)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString);
        return Parse(key => query.TryGetValue(key, out var value) ? value.ToString() : null, out _);
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
