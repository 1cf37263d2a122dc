using K8Posture.Data;
using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Raci;

/// <summary>The executive report's RACI gaps: activities without exactly one Accountable or without a Responsible party.</summary>
public sealed class RaciGapsReportSection(RaciService raci) : IExecutiveReportSection
{
    public string Key => ExecutiveReportSections.RaciGaps;
    public int Order => ExecutiveReportSections.RaciGapsOrder;

    public async Task RenderAsync(ExecutiveReportContext context, ReportCanvas canvas, CancellationToken cancellationToken)
    {
        var current = await raci.GetCurrentAsync(cancellationToken);
        canvas.Heading("RACI gaps");
        if (current.Version == 0)
        {
            canvas.Paragraph("The Security Team has not saved a RACI matrix yet: who is accountable for each activity is not recorded.", muted: true);
            return;
        }
        canvas.Paragraph($"RACI matrix version {current.Version} (saved {current.CreatedAt:yyyy-MM-dd} {ReportActors.SavedBy(current.CreatedBy)}): {current.Violations.Count} violation(s) of \"exactly one A, at least one R\".");
        if (current.Violations.Count > 0)
        {
            canvas.Table(["Activity", "Problem"], [2, 3], current.Violations.Select(v => (IReadOnlyList<string>)[v.ActivityName, v.Detail]));
        }
    }
}
