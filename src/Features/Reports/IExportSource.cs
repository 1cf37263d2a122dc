using K8Posture.Data;

namespace K8Posture.Features.Reports;

/// <summary>
/// One exportable data set (findings, alerts, inventory, RACI, …). Each feature slice registers its own with
/// <c>services.AddScoped&lt;IExportSource, …&gt;()</c>; the Reports slice writes them as CSV or XLSX.
/// </summary>
public interface IExportSource
{
    /// <summary>The URL key, e.g. <c>findings</c> in <c>/api/v1/exports/findings.csv</c>.</summary>
    string Key { get; }

    string Title { get; }

    /// <summary>Column headers, in the order of the values of each row.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Streams the rows (never materialise the whole set). <paramref name="db"/> is bound to the caller's scope,
    /// so its query filters already restrict rows to the caller's teams; <paramref name="filters"/> are the
    /// page's filters as query-string pairs.
    /// </summary>
    IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, CancellationToken cancellationToken);
}
