using System.Globalization;
using K8Posture.Shared.Http;

namespace K8Posture.Data;

/// <summary>
/// The database going away or filling up is not a bug: the caller gets RFC 9457 problem details with a status it can act
/// on (503 or 507, with Retry-After) instead of a 500, whichever endpoint met it — ingest, evaluate, reads, key checks.
/// The write that met it rolled back; what was kept is named (the batch holding the payload).
/// </summary>
internal sealed class DatabaseFaultProblemsMiddleware(RequestDelegate next, IConfiguration configuration, ILogger<DatabaseFaultProblemsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && DatabaseFaults.Classify(ex) is not null)
        {
            var fault = DatabaseFaults.Classify(ex)!;
            var batchId = (ex as DatabaseFaultException)?.BatchId;
            logger.LogWarning("{Method} {Path} met a database fault: {Reason}", context.Request.Method, context.Request.Path.Value, fault.Reason);
            var retryAfter = Math.Clamp(configuration.GetValue("Database:RetryAfterSeconds", 30), 1, 86400);
            var full = fault.Kind == DatabaseFaultKind.Full;
            var kept = batchId is { } id ? $" Batch {id} keeps the payload and is marked failed." : "";
            var detail = full
                ? $"{fault.Reason} Nothing of this request was stored.{kept} Ask the operator to free or grow the database's storage, then send it again."
                : $"{fault.Reason} Nothing of this request was stored half-way.{kept} Send it again after {retryAfter} s.";
            var status = full ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;
            context.Response.Clear();
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            if (IsPage(context.Request))
            {
                await WritePageAsync(context, fault, retryAfter);
                return;
            }
            var extensions = new Dictionary<string, object?> { ["retryAfterSeconds"] = retryAfter };
            if (batchId is not null)
            {
                extensions["batchId"] = batchId;
            }
            await ProblemResponses.WriteAsync(context, new ProblemException(status, full ? "Database storage full" : "Database unavailable", detail, extensions));
        }
    }

    /// <summary>A person's browser asking for a page (not the API): a banner page that reloads itself, not JSON.</summary>
    private static bool IsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api")
        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static Task WritePageAsync(HttpContext context, DatabaseFault fault, int retryAfter)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        return context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{{retryAfter}}"><title>K8Posture: database unavailable</title></head>
            <body><main role="status" data-testid="database-fault-page"><h1>K8Posture cannot reach its database right now</h1>
            <p>{{encoder.Encode(fault.Reason)}}</p><p>This page tries again by itself every {{retryAfter}} seconds and comes back when the database does.</p></main></body></html>
            """);
    }
}

public static class DatabaseFaultProblems
{
    public static IApplicationBuilder UseDatabaseFaultProblems(this IApplicationBuilder app) => app.UseMiddleware<DatabaseFaultProblemsMiddleware>();
}
