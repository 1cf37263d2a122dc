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

    /// <summary>
    /// An authorisation policy the caller needs on top of being a signed-in reader, for data sets that are not
    /// team-scoped (the audit log). Null: every reader may export, scoped by the data layer.
    /// </summary>
    string? RequiredPolicy => null;

    /// <summary>The filters the Reports page offers for this source (query-string names); none by default.</summary>
    IReadOnlyList<ExportFilter> Filters => [];

    /// <summary>
    /// Problems with <paramref name="filters"/>, keyed by the query parameter, so a bad value is a 400 naming it rather
    /// than an empty or unfiltered file. Empty when they are fine.
    /// </summary>
    IReadOnlyDictionary<string, string[]> ValidateFilters(IReadOnlyDictionary<string, string> filters) => ExportFilter.NoErrors;
}

/// <summary>A filter a source accepts: its query-string name, a label, and the values to choose from (null: free text).</summary>
public sealed record ExportFilter(string Name, string Label, IReadOnlyList<string>? Choices = null, string? DefaultValue = null)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}
