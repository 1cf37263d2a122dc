using K8Posture.Data;
using K8Posture.Features.Remediation;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Findings;

public enum FindingSortField { Severity, Title, FirstSeen, LastSeen, Cluster, Status, Priority }

/// <summary>What to list. A null filter means "any"; the caller's team scope is applied by the data context, not here.</summary>
public sealed record FindingsCriteria(
    FindingCategory? Category = null,
    FindingSeverity? Severity = null,
    FindingStatus? Status = FindingStatus.Open,
    string? Search = null,
    FindingSortField SortBy = FindingSortField.Severity,
    bool Descending = true,
    string? BusinessUnit = null,
    string? Team = null,
    string? Cluster = null,
    string? Environment = null,
    string? Namespace = null,
    string? Owasp = null,
    string? Registry = null,
    string? VulnerabilityId = null,
    string? Rules = null,
    string? Owner = null,
    FindingResolution? Verdict = null)
{
    public OrgFilter Org => new(BusinessUnit, Team, Cluster, Environment);
}

/// <summary>
/// A finding's exploit intelligence and priority (README "Exploit intelligence and Fix first"): the CVE the feeds matched
/// (the id itself or the CVE its GHSA aliases), CISA KEV (date added, due date, known ransomware use), FIRST EPSS with the
/// feed's date, and the documented priority (0–100).
/// </summary>
public sealed record FindingExploitIntel(
    int Priority,
    string? Cve,
    bool KnownExploited,
    DateOnly? KevDateAdded,
    DateOnly? KevDueDate,
    bool KevKnownRansomware,
    double? EpssScore,
    double? EpssPercentile,
    DateOnly? EpssDate);

/// <summary>One row of the findings list and of <c>GET /api/v1/findings</c>.</summary>
public sealed record FindingRow(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingCategory>))] FindingCategory Category,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))] FindingSeverity Severity,
    string Title,
    string? VulnerabilityId,
    string? RuleId,
    string? PackageName,
    string? InstalledVersion,
    string? FixedVersion,
    string? ImageRepository,
    string? ImageTag,
    string? ResourceKind,
    string? NamespaceName,
    string? ResourceName,
    string? ClusterName,
    string? OwnerTeamName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingStatus>))] FindingStatus Status,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingResolution>))] FindingResolution Resolution,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FindingWorkflow>))] FindingWorkflow Workflow = FindingWorkflow.Open,
    string? Assignee = null,
    FindingExploitIntel? Exploit = null)
{
    /// <summary>The one status word every view shows (see <see cref="RemediationStatuses"/>).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<RemediationStatus>))]
    public RemediationStatus DisplayStatus => RemediationStatuses.Of(Status, Resolution, Workflow);
}

public sealed record FindingsListResult(int Total, IReadOnlyList<FindingRow> Items);

/// <summary>The one findings listing, used by the Findings page and the read API alike.</summary>
public sealed class FindingsQuery(IDbContextFactory<K8PostureDbContext> contexts)
{
    public const int MaxPageSize = 500;

    /// <param name="pageIndex">Zero-based.</param>
    public async Task<FindingsListResult> ListAsync(FindingsCriteria criteria, int pageIndex, int pageSize, CancellationToken cancellationToken = default)
    {
        pageIndex = Math.Max(0, pageIndex);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Findings stay scoped by their own filter; only the cluster join may name a cluster the team owns no namespace in.
        var scope = await ResolvedScope.ResolveAsync(db, criteria.Org, cancellationToken);
        var findings = Filter(scope.Apply(db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter])), criteria);
        var total = await findings.CountAsync(cancellationToken);
        var items = await Sort(findings, criteria)
            .Skip(pageIndex * pageSize)
            .Take(pageSize)
            .Select(f => new FindingRow(
                f.Id, f.Category, f.Severity, f.Title, f.VulnerabilityId, f.RuleId,
                f.PackageName, f.InstalledVersion, f.FixedVersion, f.ImageRepository, f.ImageTag,
                f.ResourceKind, f.NamespaceName, f.ResourceName,
                f.Cluster!.Name, f.OwnerTeam!.Name,
                f.Status, f.Resolution, f.FirstSeenAt, f.LastSeenAt, f.Workflow, f.Assignee,
                new FindingExploitIntel(f.Priority, f.IntelCveId, f.KevDateAdded != null, f.KevDateAdded, f.KevDueDate, f.KevKnownRansomware,
                    f.EpssFeedScore, f.EpssFeedPercentile, f.EpssFeedDate)))
            .ToListAsync(cancellationToken);
        return new FindingsListResult(total, items);
    }

    /// <summary>The page's filters; shared with the findings export so both list the same rows.</summary>
    internal static IQueryable<Finding> Filter(IQueryable<Finding> findings, FindingsCriteria criteria)
    {
        if (criteria.Category is { } category)
        {
            findings = findings.Where(f => f.Category == category);
        }
        if (criteria.Severity is { } severity)
        {
            findings = findings.Where(f => f.Severity == severity);
        }
        if (criteria.Status is { } status)
        {
            findings = findings.Where(f => f.Status == status);
        }
        if (string.Equals(criteria.Owner, FindingsQueryString.UnownedOwner, StringComparison.OrdinalIgnoreCase))
        {
            findings = findings.Where(f => f.OwnerTeamId == null);
        }
        if (criteria.Verdict is { } verdict)
        {
            findings = findings.Where(f => f.Resolution == verdict);
        }
        if (criteria.Namespace is { } ns)
        {
            findings = findings.Where(f => f.NamespaceName == ns);
        }
        if (criteria.Owasp is { } owasp)
        {
            findings = findings.Where(f => f.OwaspK8s == owasp);
        }
        if (criteria.Rules is { } rules)
        {
            // Comma-separated rule ids, as the scorecard links them ("the findings of the rules that check this").
            var ruleIds = rules.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            findings = findings.Where(f => f.RuleId != null && ruleIds.Contains(f.RuleId));
        }
        if (criteria.Registry is { } registry)
        {
            // Cells and the registry chart count an image without a registry as Docker Hub, as the container runtime does.
            findings = registry == DockerHub
                ? findings.Where(f => f.ImageRepository != null && (f.ImageRegistry == null || f.ImageRegistry == DockerHub))
                : findings.Where(f => f.ImageRegistry == registry);
        }
        if (criteria.VulnerabilityId is { } vulnerability)
        {
            // A CVE also finds the GHSA/advisory findings that alias it.
            findings = findings.Where(f => f.VulnerabilityId == vulnerability || f.IntelCveId == vulnerability);
        }
        if (!string.IsNullOrWhiteSpace(criteria.Search))
        {
            var pattern = SqlLike.Containing(criteria.Search.Trim());
            findings = findings.Where(f =>
                EF.Functions.Like(f.Title, pattern, SqlLike.Escape)
                || EF.Functions.Like(f.VulnerabilityId!, pattern, SqlLike.Escape)
                || EF.Functions.Like(f.PackageName!, pattern, SqlLike.Escape)
                || EF.Functions.Like(f.ImageRepository!, pattern, SqlLike.Escape)
                || EF.Functions.Like(f.ResourceName!, pattern, SqlLike.Escape));
        }
        return findings;
    }

    private const string DockerHub = "docker.io";

    internal static IOrderedQueryable<Finding> Sort(IQueryable<Finding> findings, FindingsCriteria criteria)
    {
        var sorted = (criteria.SortBy, criteria.Descending) switch
        {
            (FindingSortField.Title, false) => findings.OrderBy(f => f.Title),
            (FindingSortField.Title, true) => findings.OrderByDescending(f => f.Title),
            (FindingSortField.FirstSeen, false) => findings.OrderBy(f => f.FirstSeenAt),
            (FindingSortField.FirstSeen, true) => findings.OrderByDescending(f => f.FirstSeenAt),
            (FindingSortField.LastSeen, false) => findings.OrderBy(f => f.LastSeenAt),
            (FindingSortField.LastSeen, true) => findings.OrderByDescending(f => f.LastSeenAt),
            (FindingSortField.Cluster, false) => findings.OrderBy(f => f.Cluster!.Name),
            (FindingSortField.Cluster, true) => findings.OrderByDescending(f => f.Cluster!.Name),
            // In the order of the status words: scanner state, then verdict, then workflow (see RemediationStatuses.Of).
            (FindingSortField.Status, false) => findings.OrderBy(f => f.Status).ThenBy(f => f.Resolution).ThenBy(f => f.Workflow),
            (FindingSortField.Status, true) => findings.OrderByDescending(f => f.Status).ThenByDescending(f => f.Resolution).ThenByDescending(f => f.Workflow),
            (FindingSortField.Priority, false) => findings.OrderBy(f => f.Priority),
            (FindingSortField.Priority, true) => findings.OrderByDescending(f => f.Priority),
            (_, false) => findings.OrderBy(f => f.Severity),
            (_, true) => findings.OrderByDescending(f => f.Severity),
        };
        // Ties need a stable order, or rows repeat or vanish between pages.
        return criteria.SortBy == FindingSortField.Severity
            ? sorted.ThenByDescending(f => f.LastSeenAt).ThenBy(f => f.Id)
            : sorted.ThenByDescending(f => f.Severity).ThenBy(f => f.Id);
    }
}
