using K8Posture.Shared.Http;
using System.Security.Cryptography;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion.Batches;

public static class IngestBatchEndpoints
{
    public static IEndpointRouteBuilder MapIngestBatchEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/ingest/batches").WithTags("Ingestion");
        group.MapGet("/", ListAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithSummary("Pushes visible to the caller, newest first")
            .WithDescription("page is 1-based, pageSize at most 200; status is Received, Processed, Duplicate or Failed.");
        group.MapGet("/{id:long}/payload", DownloadPayloadAsync)
            .RequireAuthorization(Policies.Auditor)
            .WithSummary("The raw payload of a push, exactly as received (evidence for auditors and admins)");
        return endpoints;
    }

    private static async Task<Results<Ok<IngestBatchPage>, ValidationProblem>> ListAsync(
        IngestBatchQueries batches, CancellationToken cancellationToken, int page = 1, int pageSize = 50, string? status = null)
    {
        IngestStatus? parsedStatus = null;
        if (status is not null)
        {
            if (!Enum.TryParse<IngestStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"'{status}' is not one of {string.Join(", ", Enum.GetNames<IngestStatus>())}."] });
            }
            parsedStatus = s;
        }
        if (page < 1 || pageSize is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [page < 1 ? "page" : "pageSize"] = ["page is 1-based; pageSize is 1 to 200."] });
        }
        return TypedResults.Ok(await batches.ListAsync(new IngestBatchFilter(parsedStatus), page - 1, pageSize, cancellationToken));
    }

    private static async Task<IResult> DownloadPayloadAsync(long id, IngestBatchQueries batches, AuditLog audit, IDbContextFactory<K8PostureDbContext> contexts, CancellationToken cancellationToken)
    {
        var payload = await batches.GetPayloadAsync(id, cancellationToken);
        if (payload is null)
        {
            throw ProblemException.NotFound("No such push", $"Ingest batch {id} does not exist or is not visible to you.");
        }
        var (bytes, sha256, format) = payload.Value;
        // The stored hash is re-checked so an auditor knows the evidence is what was received.
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new ProblemException(StatusCodes.Status500InternalServerError, "Evidence integrity failure", $"The stored payload of batch {id} no longer matches its recorded sha256.");
        }
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            audit.Record(db, "ingest.payload.download", nameof(IngestBatch), id.ToString(System.Globalization.CultureInfo.InvariantCulture), after: new { sha256, bytes = bytes.Length, format });
            await db.SaveChangesAsync(cancellationToken);
        }
        var firstSignificant = bytes.SkipWhile(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF).FirstOrDefault();
        var extension = firstSignificant switch
        {
            (byte)'{' or (byte)'[' => "json",
            (byte)'<' => "xml",
            _ => "txt",
        };
        return TypedResults.File(bytes, "application/octet-stream", $"k8posture-batch-{id}-{sha256[..12]}.{extension}");
    }
}
