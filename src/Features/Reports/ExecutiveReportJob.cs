using Hangfire;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Reports;

/// <summary>Monthly: renders and keeps the report of the previous calendar month (once per month, however often it runs).</summary>
public sealed class ExecutiveReportJob(ExecutiveReportService reports, IDbContextFactory<K8PostureDbContext> contexts, DataScope scope, TimeProvider clock)
{
    public const string RecurringId = "executive-report-monthly";
    public const string Actor = "system:executive-report";

    /// <summary>06:00 UTC on the 1st, after the daily landscape snapshot of the last day of the month.</summary>
    public static readonly string Schedule = Cron.Monthly(1, 6);

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<long?> RunAsync(CancellationToken cancellationToken)
    {
        scope.SetSystem(Actor);
        var (start, end) = ExecutiveReportService.PreviousMonth(clock.GetUtcNow());
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ExecutiveReports.AnyAsync(r => r.Trigger == ExecutiveReportTrigger.Scheduled && r.PeriodStart == start && r.PeriodEnd == end, cancellationToken))
            {
                return null;
            }
        }
        var report = await reports.GenerateAsync(start, end, ExecutiveReportTrigger.Scheduled, cancellationToken);
        return report.Id;
    }
}
