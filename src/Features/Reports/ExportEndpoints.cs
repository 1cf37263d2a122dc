using K8Posture.Shared.Http;
using System.Globalization;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Reports;

/// <summary>What the audit log keeps of one export.</summary>
public sealed record ExportAuditRecord(string Source, string Format, string File, IReadOnlyDictionary<string, string> Filters, long Rows, long Bytes, string Sha256, bool Completed);

public static class ExportEndpoints
{
    public const string AuditAction = "export.download";
    public const string AuditEntityType = "Export";

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/exports", ListSourcesAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithTags("Reports")
            .WithSummary("The data sets the caller may export, with their filters");
        endpoints.MapGet("/api/v1/exports/{file}", ExportAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithTags("Reports")
            .WithName("Export")
            .WithSummary("One data set as CSV or XLSX, streamed, scoped to the caller and audited")
            .WithDescription("file is {key}.csv or {key}.xlsx (see GET /api/v1/exports for the keys); every other query parameter is a filter of that source. The audit log records who, when, the filters, the row count and the SHA-256 of the bytes sent.");
        return endpoints;
    }

    internal static async Task<IResult> ListSourcesAsync(HttpContext http, IEnumerable<IExportSource> sources, IAuthorizationService authorization)
    {
        var allowed = new List<object>();
        foreach (var source in sources)
        {
            if (await MayExportAsync(http, authorization, source))
            {
                allowed.Add(new { source.Key, source.Title, source.Columns, Filters = source.Filters });
            }
        }
        return TypedResults.Ok(allowed);
    }

    internal static async Task<bool> MayExportAsync(HttpContext http, IAuthorizationService authorization, IExportSource source) =>
        source.RequiredPolicy is null || (await authorization.AuthorizeAsync(http.User, source.RequiredPolicy)).Succeeded;

    internal static async Task<IResult> ExportAsync(
        string file,
        HttpContext http,
        IEnumerable<IExportSource> sources,
        IAuthorizationService authorization,
        IDbContextFactory<K8PostureDbContext> contexts,
        AuditLog audit,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        var dot = file.LastIndexOf('.');
        var key = dot > 0 ? file[..dot] : file;
        var extension = dot > 0 ? file[(dot + 1)..] : "";
        ExportFormat? format = extension.ToLowerInvariant() switch { "csv" => ExportFormat.Csv, "xlsx" => ExportFormat.Xlsx, _ => null };
        if (format is null)
        {
            throw ProblemException.BadRequest("Unsupported export format", $"'{file}' must end in .csv or .xlsx, e.g. /api/v1/exports/findings.csv.");
        }
        var source = sources.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
        if (source is null)
        {
            throw ProblemException.NotFound("Unknown export", $"There is no export '{key}'; GET /api/v1/exports lists the ones you may download.");
        }
        if (!await MayExportAsync(http, authorization, source))
        {
            throw ProblemException.Forbidden($"Your role may not export '{source.Key}'.");
        }
        var filters = http.Request.Query
            .Where(q => !string.IsNullOrEmpty(q.Value.ToString()))
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var errors = source.ValidateFilters(filters);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid export filter",
                detail: "Invalid filter(s): " + string.Join(", ", errors.Keys) + ". See errors for the accepted values.");
        }

        var writer = IExportWriter.For(format.Value);
        var fileName = $"k8posture-{source.Key}-{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}.{writer.Extension}";
        var logger = loggers.CreateLogger(typeof(ExportEndpoints));
        return TypedResults.Stream(async body =>
        {
            // The zip writer underneath XLSX finishes with synchronous writes; the bytes still flow as they are produced.
            if (http.Features.Get<IHttpBodyControlFeature>() is { } bodyControl)
            {
                bodyControl.AllowSynchronousIO = true;
            }
            var hashing = new HashingStream(body);
            long rows = 0;
            var completed = false;
            try
            {
                await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
                db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
                rows = await writer.WriteAsync(hashing, source.Title, source.Columns, CountRows(source.ReadRowsAsync(db, filters, http.RequestAborted), n => rows = n), http.RequestAborted);
                await hashing.FlushAsync(http.RequestAborted);
                completed = true;
            }
            finally
            {
                // Written after the stream, so the hash and row count are of what was sent; an aborted download is recorded too.
                var record = new ExportAuditRecord(source.Key, writer.Extension, fileName, filters, rows, hashing.BytesWritten, hashing.Sha256, completed);
                try
                {
                    await using var auditDb = await contexts.CreateDbContextAsync(CancellationToken.None);
                    audit.Record(auditDb, AuditAction, AuditEntityType, source.Key, after: record);
                    await auditDb.SaveChangesAsync(CancellationToken.None);
                }
                catch (Exception ex) when (!completed)
                {
                    logger.LogWarning(ex, "Could not audit the aborted export of {Source}", source.Key);
                }
            }
        }, writer.ContentType, fileName);
    }

    private static async IAsyncEnumerable<object?[]> CountRows(IAsyncEnumerable<object?[]> rows, Action<long> progress)
    {
        long count = 0;
        await foreach (var row in rows)
        {
            progress(++count);
            yield return row;
        }
    }
}
