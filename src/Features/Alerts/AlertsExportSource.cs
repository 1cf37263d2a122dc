using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Alerts;

/// <summary>Runtime alerts for CSV/XLSX export, with the Alerts page's filters (source, iocClass, severity, triage, cluster, namespace, suppressed, q).</summary>
public sealed class AlertsExportSource : IExportSource
{
    public string Key => "alerts";

    public string Title => "Runtime alerts";

    public IReadOnlyList<string> Columns { get; } =
    [
        "Id", "Source", "Source id", "Rule", "Priority", "Severity", "IOC class", "IOC evidence", "Output", "Cluster", "Namespace", "Workload", "Pod",
        "Container", "Image", "Process", "Command line", "User", "Owner team", "Triage", "Triaged by", "Triaged at", "Suppressed by",
        "First seen", "Last seen", "Occurrences",
    ];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? Get(string key) => filters.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        FindingsQueryString.TryParseEnum<IocClass>(Get("iocClass"), out var iocClass);
        FindingsQueryString.TryParseEnum<FindingSeverity>(Get("severity"), out var severity);
        FindingsQueryString.TryParseEnum<AlertTriageState>(Get("triage"), out var triage);
        var criteria = new AlertsCriteria(Get("source"), iocClass, severity, triage, Get("cluster"), Get("namespace"),
            IncludeSuppressed: string.Equals(Get("suppressed"), "true", StringComparison.OrdinalIgnoreCase), Search: Get("q"));
        var rows = AlertsQuery.Project(AlertsQuery.Filter(AlertsQuery.Scoped(db), criteria).OrderByDescending(a => a.LastSeenAt).ThenByDescending(a => a.Id));
        await foreach (var a in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return
            [
                a.Id, a.Source, a.SourceId, a.Rule, a.Priority, a.Severity, a.IocClass, a.IocEvidence, a.Output, a.ClusterName, a.NamespaceName,
                a.Workload, a.Pod, a.Container, a.Image, a.Process, a.CommandLine, a.User, a.OwnerTeamName, a.Triage, a.TriagedBy, a.TriagedAt,
                a.SuppressedBy, a.FirstSeenAt, a.LastSeenAt, a.OccurrenceCount,
            ];
        }
    }
}
