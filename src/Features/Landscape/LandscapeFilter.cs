using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Findings;
using Microsoft.AspNetCore.WebUtilities;

namespace K8Posture.Features.Landscape;

/// <summary>
/// The landscape's global filters, carried in the URL so a link shows the same picture to someone else (within their
/// own scope): bu, team, cluster, env, category, severity and range (days: 7, 30, 90, 180 or 365; 90 by default).
/// The range bounds the trend, SLA compliance and mean time to remediate; open counts are always "now".
/// </summary>
public sealed record LandscapeFilter(
    string? BusinessUnit = null,
    string? Team = null,
    string? Cluster = null,
    string? Environment = null,
    FindingCategory? Category = null,
    FindingSeverity? Severity = null,
    int RangeDays = LandscapeFilter.DefaultRangeDays)
{
    public const int DefaultRangeDays = 90;
    public static readonly IReadOnlyList<int> RangeChoices = [7, 30, 90, 180, 365];

    public OrgFilter Org => new(BusinessUnit, Team, Cluster, Environment);

    /// <summary>Reads a query string ("?team=Payments&amp;range=30"); unknown or malformed values fall back to "any".</summary>
    public static LandscapeFilter FromQuery(string? queryString)
    {
        var query = QueryHelpers.ParseQuery(queryString);
        string? Text(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        FindingsQueryString.TryParseEnum<FindingCategory>(Text("category"), out var category);
        FindingsQueryString.TryParseEnum<FindingSeverity>(Text("severity"), out var severity);
        var range = int.TryParse(Text("range")?.TrimEnd('d'), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && RangeChoices.Contains(days)
            ? days
            : DefaultRangeDays;
        return new LandscapeFilter(Text("bu"), Text("team"), Text("cluster"), Text("env"), category, severity, range);
    }

    /// <summary>The query string (with '?', or empty), omitting defaults so links stay short.</summary>
    public string ToQueryString()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(new(key, value));
            }
        }
        Add("bu", BusinessUnit);
        Add("team", Team);
        Add("cluster", Cluster);
        Add("env", Environment);
        Add("category", Category?.ToString());
        Add("severity", Severity?.ToString());
        Add("range", RangeDays == DefaultRangeDays ? null : RangeDays.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : QueryHelpers.AddQueryString("", parts);
    }

    /// <summary>
    /// The findings explorer with this filter and optional extra criteria, listing what the landscape counts as open
    /// (<see cref="K8Posture.Shared.PostureDefinitions.IsOpen"/>: open, no verdict), so a figure and its list agree.
    /// </summary>
    public string FindingsLink(FindingCategory? category = null, FindingSeverity? severity = null, params (string Key, string? Value)[] extra)
    {
        var criteria = new FindingsCriteria(
            Category: category ?? Category,
            Severity: severity ?? Severity,
            BusinessUnit: BusinessUnit,
            Team: Team,
            Cluster: Cluster,
            Environment: Environment,
            Verdict: FindingResolution.None);
        foreach (var (key, value) in extra)
        {
            criteria = key switch
            {
                "team" => criteria with { Team = value },
                "cluster" => criteria with { Cluster = value },
                "namespace" => criteria with { Namespace = value },
                "owasp" => criteria with { Owasp = value },
                "registry" => criteria with { Registry = value },
                "owner" => criteria with { Owner = value, Team = null, BusinessUnit = null },
                _ => criteria,
            };
        }
        return FindingsQueryString.ToPageUrl(criteria);
    }
}
