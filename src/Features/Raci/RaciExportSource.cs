using System.Runtime.CompilerServices;
using K8Posture.Data;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Raci;

/// <summary>The RACI matrix in force, one row per activity (the matrix is organisation-wide, so no team filter applies).</summary>
public sealed class RaciExportSource : IExportSource
{
    public string Key => "raci";

    public string Title => "RACI matrix";

    public IReadOnlyList<string> Columns { get; } = ["Activity", "Description", "Accountable", "Responsible", "Consulted", "Informed", "Rule violations", "Retired", "Version"];

    public async IAsyncEnumerable<object?[]> ReadRowsAsync(K8PostureDbContext db, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var latest = await db.RaciVersions.AsNoTracking().OrderByDescending(v => v.Version).Select(v => new { v.Version, v.Matrix }).FirstOrDefaultAsync(cancellationToken);
        var matrix = latest is null ? RaciDefaults.Matrix() : RaciMatrix.FromJson(latest.Matrix);
        var violations = RaciRules.Check(matrix).ToLookup(v => v.ActivityKey, StringComparer.Ordinal);
        var includeRetired = filters.TryGetValue("retired", out var retired) && retired == "true";
        foreach (var activity in matrix.Activities.Where(a => includeRetired || !a.Retired))
        {
            string Holders(RaciRole role) => string.Join("; ", matrix.Parties.Where(p => matrix.Get(activity.Key, p.Key).HasFlag(role)).Select(p => p.Name));
            yield return
            [
                activity.Name, activity.Description, Holders(RaciRole.Accountable), Holders(RaciRole.Responsible), Holders(RaciRole.Consulted), Holders(RaciRole.Informed),
                string.Join(" ", violations[activity.Key].Select(v => v.Detail)), activity.Retired, latest?.Version ?? 0,
            ];
        }
    }
}
