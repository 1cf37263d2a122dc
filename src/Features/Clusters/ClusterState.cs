using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json.Serialization;
using K8Posture.Data;

namespace K8Posture.Features.Clusters;

/// <summary>The three things a cluster can be to K8Posture, worst-known first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClusterStateKind>))]
public enum ClusterStateKind
{
    /// <summary>Known only because a push or the cloud inventory named it; nobody registered a connection.</summary>
    Discovered,
    /// <summary>Registered by the Security Team, never collected successfully.</summary>
    Registered,
    /// <summary>Registered and collected at least once; see <see cref="ClusterState.LastSuccessAt"/>.</summary>
    Collected,
}

/// <summary>The columns of a <see cref="Cluster"/> its state is derived from, so queries can select just these.</summary>
public sealed record ClusterStateColumns(
    bool IsManaged,
    bool HasConnection,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    int RefreshIntervalMinutes)
{
    /// <summary>The projection for EF queries (translates to plain columns).</summary>
    public static readonly Expression<Func<Cluster, ClusterStateColumns>> Projection = c =>
        new ClusterStateColumns(c.IsManaged, c.ConnectionSecretProtected != null, c.LastAttemptAt, c.LastSuccessAt, c.LastError, c.RefreshIntervalMinutes);

    public static ClusterStateColumns Of(Cluster c) =>
        new(c.IsManaged, c.ConnectionSecretProtected is not null, c.LastAttemptAt, c.LastSuccessAt, c.LastError, c.RefreshIntervalMinutes);
}

/// <summary>
/// A cluster's state, the one definition every page, the API, the exports and the executive report show: Registered
/// (the Security Team registered it; no successful collection yet), Collected (with the last successful collection, and
/// stale when the last attempt failed or the last success is older than <see cref="StaleAfter"/>), or Discovered only
/// (named by pushed data or the cloud inventory, no connection). An unregistered cluster is discovered only again, even if
/// it was collected before: nobody watches it any more.
/// </summary>
public sealed record ClusterState(ClusterStateKind Kind, DateTimeOffset? LastSuccessAt, bool IsStale, string Description)
{
    /// <summary>The word people see for the kind; the same on every page, export and report.</summary>
    public static string Word(ClusterStateKind kind) => kind switch
    {
        ClusterStateKind.Collected => "Collected",
        ClusterStateKind.Registered => "Registered",
        _ => "Discovered only",
    };

    /// <summary>What the kind means, for captions and tooltips.</summary>
    public static string Meaning(ClusterStateKind kind) => kind switch
    {
        ClusterStateKind.Collected => "registered and collected by the background job",
        ClusterStateKind.Registered => "registered by the Security Team, not collected successfully yet",
        _ => "named by pushed scans, alerts or the cloud inventory; no connection registered",
    };

    /// <summary>The kinds in the order pages list them.</summary>
    public static readonly IReadOnlyList<ClusterStateKind> Kinds = [ClusterStateKind.Collected, ClusterStateKind.Registered, ClusterStateKind.Discovered];

    /// <summary>"Collected", "Collected (stale)", "Registered" or "Discovered only".</summary>
    public string Label => IsStale ? Word(Kind) + " (stale)" : Word(Kind);

    public bool IsRegistered => Kind != ClusterStateKind.Discovered;

    /// <summary>A successful collection older than this many refresh intervals (and at least an hour) is stale.</summary>
    public const int StaleIntervals = 3;

    public static TimeSpan StaleAfter(int refreshIntervalMinutes) =>
        TimeSpan.FromMinutes(Math.Max(60, StaleIntervals * Math.Max(1, refreshIntervalMinutes)));

    public static ClusterState Of(Cluster cluster, DateTimeOffset now) => Of(ClusterStateColumns.Of(cluster), now);

    public static ClusterState Of(ClusterStateColumns c, DateTimeOffset now)
    {
        if (!c.IsManaged)
        {
            return new ClusterState(ClusterStateKind.Discovered, null, false,
                "Discovered only: named by pushed scans, alerts or the cloud inventory; no connection is registered, so K8Posture does not collect it.");
        }
        if (c.LastSuccessAt is not { } success)
        {
            var why = !c.HasConnection ? "no connection is stored, so it cannot be collected yet"
                : c.LastError is { } error ? "the last collection attempt failed: " + error
                : c.LastAttemptAt is null ? "the first collection has not run yet"
                : "no collection has succeeded yet";
            return new ClusterState(ClusterStateKind.Registered, null, false, "Registered, never collected: " + why + ".");
        }
        var when = "last successful collection " + Format(success);
        if (c.LastError is { } failure && c.LastAttemptAt > success)
        {
            return new ClusterState(ClusterStateKind.Collected, success, true, $"Collected, stale: {when}; the last attempt failed: {failure}");
        }
        if (now - success > StaleAfter(c.RefreshIntervalMinutes))
        {
            return new ClusterState(ClusterStateKind.Collected, success, true,
                $"Collected, stale: {when}, more than {StaleIntervals} refresh intervals ago.");
        }
        return new ClusterState(ClusterStateKind.Collected, success, false, $"Collected: {when}.");
    }

    /// <summary>How pages and reports print a collection time: UTC, to the minute.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"2 collected · 3 registered · 10 discovered only", leaving out kinds with none (all zero: "none").</summary>
    public static string CountsCaption(IEnumerable<ClusterState> states)
    {
        var counts = states.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        var parts = Kinds.Where(counts.ContainsKey)
            .Select(k => counts[k].ToString("N0", CultureInfo.InvariantCulture) + " " + Word(k).ToLowerInvariant())
            .ToList();
        return parts.Count == 0 ? "none" : string.Join(" · ", parts);
    }
}
