using Microsoft.AspNetCore.Http.HttpResults;
using K8Posture.Shared.Http;
using System.Globalization;
using K8Posture.Security;

namespace K8Posture.Features.Reports;

public static class ExecutiveReportEndpoints
{
    public static IEndpointRouteBuilder MapExecutiveReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/reports/executive").WithTags("Reports").RequireAuthorization(ReportsPolicies.ExecutiveReport);
        group.MapGet("", async (ExecutiveReportService reports, CancellationToken ct) => TypedResults.Ok(await reports.ListAsync(100, ct)))
            .WithSummary("Stored executive reports, newest first (without their bytes)");
        group.MapGet("/{id:long}.pdf", async (long id, ExecutiveReportService reports, CancellationToken ct) =>
            {
                if (await reports.DownloadAsync(id, ct) is not { } found)
                {
                    throw ProblemException.NotFound("Report not found", $"There is no executive report {id.ToString(CultureInfo.InvariantCulture)}.");
                }
                return TypedResults.File(found.Content, "application/pdf", ExecutiveReportService.FileName(found.Summary));
            })
            .WithSummary("The stored PDF, byte for byte as generated (the download is audited)");
        group.MapPost("", async Task<Results<ValidationProblem, Created<ExecutiveReportSummary>>> (ExecutiveReportService reports, TimeProvider clock, CancellationToken ct, string? from = null, string? to = null) =>
            {
                var (start, end) = ExecutiveReportService.Last30Days(clock.GetUtcNow());
                var errors = new Dictionary<string, string[]>();
                if (from is not null && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
                {
                    errors["from"] = ["Use a date as yyyy-MM-dd."];
                }
                if (to is not null && !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out end))
                {
                    errors["to"] = ["Use a date as yyyy-MM-dd."];
                }
                if (errors.Count == 0 && end < start)
                {
                    errors["to"] = ["'to' must not be before 'from'."];
                }
                if (errors.Count == 0 && end.DayNumber - start.DayNumber > 366)
                {
                    errors["from"] = ["A report covers at most a year."];
                }
                if (errors.Count > 0)
                {
                    return TypedResults.ValidationProblem(errors, title: "Invalid report period");
                }
                var report = await reports.GenerateAsync(start, end, ExecutiveReportTrigger.OnDemand, ct);
                return TypedResults.Created($"/api/v1/reports/executive/{report.Id.ToString(CultureInfo.InvariantCulture)}.pdf", report);
            })
            .WithSummary("Renders and stores an executive report now (default: the last 30 days)");
        return endpoints;
    }
}
