using K8Posture.Data;
using K8Posture.Features.Reports;
using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;
using System.Runtime.CompilerServices;

namespace K8Posture.Features.Findings;

/// <summary>Findings with the Findings page's filters (category, severity, status, q, sort) and order.</summary>
public sealed class FindingsExportSource : IExportSource
{
    public string Key => "findings";
    public string Title => "Findings";

    public IReadOnlyList<string> Columns { get; } =
    [
        "Id", "Severity", "Category", "Status", "Resolution", "Title", "Vulnerability", "Rule", "CVSS", "EPSS",
        "Package", "Installed version", "Fixed version", "Image registry", "Image repository", "Image tag",
        "Cluster", "Namespace", "Resource kind", "Resource name", "Container", "Owner team", "Source",
        "First seen", "Last seen", "SLA due", "Closed", "Assignee",
    ];

    public IReadOnlyList<ExportFilter> Filters { get; } =
    [
        new("category", "Category", Enum.GetNames<FindingCategory>()),
        new("severity", "Severity", Enum.GetNames<FindingSeverity>()),
        new("status", "Status", [.. Enum.GetNames<FindingStatus>(), FindingsQueryString.AnyStatus], nameof(FindingStatus.Open)),
        new("q", "Search"),
    ];

    public IReadOnlyDictionary<string, string[]> ValidateFilters(IReadOnlyDictionary<string, string> filters)
    {
        TryParse(filters, out _, out var errors);
        return errors;
    }

    /// <summary>The Findings page's parser: the export holds what the page shows for the same query.</summary>
    internal static bool TryParse(IReadOnlyDictionary<string, string> filters, out FindingsCriteria criteria, out Dictionary<string, string[]> errors)
    {
        criteria = FindingsQueryString.Parse(key => filters.GetValueOrDefault(key), out errors);
        return errors.Count == 0;
    }

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!TryParse(filters, out var criteria, out _))
        {
            throw new ArgumentException("Invalid findings filters; validate them first.", nameof(filters));
        }
        // As on the page: findings stay scoped by their own filter; the cluster join may name a cluster the team owns no namespace in.
        var findings = db.Findings.AsNoTracking().IgnoreQueryFilters([K8PostureDbContext.ClusterVisibilityFilter]);
        var rows = FindingsQuery.Sort(FindingsQuery.Filter(findings, criteria), criteria)
            .Select(f => new FindingExportRow(
                f.Id, f.Severity, f.Category, f.Status, f.Resolution, f.Workflow, f.Assignee, f.Title, f.VulnerabilityId, f.RuleId, f.CvssScore, f.Epss,
                f.PackageName, f.InstalledVersion, f.FixedVersion, f.ImageRegistry, f.ImageRepository, f.ImageTag,
                f.Cluster!.Name, f.NamespaceName, f.ResourceKind, f.ResourceName, f.Container, f.OwnerTeam!.Name, f.Source,
                f.FirstSeenAt, f.LastSeenAt, f.SlaDueAt, f.ClosedAt))
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(cancellationToken))
        {
            yield return
            [
                // The same status word as the findings list, the drawer and the remediation queue.
                r.Id, r.Severity, r.Category, RemediationStatuses.Of(r.Status, r.Resolution, r.Workflow).Label(), r.Resolution, r.Title, r.VulnerabilityId, r.RuleId, r.CvssScore, r.Epss,
                r.PackageName, r.InstalledVersion, r.FixedVersion, r.ImageRegistry, r.ImageRepository, r.ImageTag,
                r.ClusterName, r.NamespaceName, r.ResourceKind, r.ResourceName, r.Container, r.OwnerTeamName, r.Source,
                r.FirstSeenAt, r.LastSeenAt, r.SlaDueAt, r.ClosedAt, r.Assignee,
            ];
        }
    }

    private sealed record FindingExportRow(
        long Id, FindingSeverity Severity, FindingCategory Category, FindingStatus Status, FindingResolution Resolution, FindingWorkflow Workflow, string? Assignee, string Title,
        string? VulnerabilityId, string? RuleId, double? CvssScore, double? Epss,
        string? PackageName, string? InstalledVersion, string? FixedVersion, string? ImageRegistry, string? ImageRepository, string? ImageTag,
        string? ClusterName, string? NamespaceName, string? ResourceKind, string? ResourceName, string? Container, string? OwnerTeamName, string Source,
        DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateTimeOffset? SlaDueAt, DateTimeOffset? ClosedAt);
}
