using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8Posture.Data;

/// <summary>/readyz's body: the overall status and each check's reason (ours, never an exception's detail), so a 503 says why.</summary>
public static class ReadinessReport
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), reason = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }
}
