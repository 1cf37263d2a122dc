using K8Posture.Shared.Http;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Ingestion;

/// <summary><c>POST /api/v1/ingest/scans</c>: raw scanner output in, counts out; bad input becomes RFC 9457 problem details, never a 500.</summary>
public static class IngestScansEndpoint
{
    public static RouteGroupBuilder MapIngestScans(this RouteGroupBuilder group)
    {
        group.MapPost("/scans", HandleAsync)
            .WithName("IngestScans")
            .WithSummary("Push a scan report")
            .WithDescription("The body is the scanner's raw output (any Content-Type; Content-Encoding gzip, deflate or br accepted). The format is detected from the content unless format= names it. "
                + "A push covers exactly what it carries: a whole-scope report (an image, a repository, a cluster scan) its scope; Trivy Operator reports, PolicyReports and kube-bench node types only their own report objects, "
                + "so findings of those missing from it close and returning ones reopen. complete=true says the push carries every report object of its scope (as a cluster collection does), so objects missing from it close too. "
                + "A team's key changes only its own team's findings (403 otherwise, nothing written).")
            .AcceptsAnyContentType("The scanner's report as it wrote it (JSON, YAML, SARIF, a Kubernetes List…), with any Content-Type.")
            .Produces<IngestOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        ScanIngestor ingestor,
        IOptions<IngestionOptions> options,
        string? format,
        string? cluster,
        string? scope,
        string? team,
        string? pipeline,
        string? commit,
        string? complete,
        CancellationToken cancellationToken)
    {
        if (ResourceNames.ClusterParameterProblem(cluster) is { } badCluster)
        {
            return badCluster;
        }
        var isComplete = false;
        if (!string.IsNullOrEmpty(complete) && !bool.TryParse(complete, out isComplete))
        {
            throw ProblemException.BadRequest("Invalid complete", "complete is true or false.");
        }
        // A report longer than SpoolFromBytes goes to a spool file, not to one array, so MaxPayloadBytes is not clamped to
        // what an array holds; a format that is not read as a stream refuses a spooled report larger than that (413).
        var settings = options.Value;
        ReceivedReport report;
        try
        {
            report = await RawRequestBody.ReadDecodedAsync(context, Math.Max(0, settings.MaxPayloadBytes), "report", "raise Ingestion:MaxPayloadBytes, or split it",
                (body, length, ct) => ReceivedReport.ReceiveAsync(body, length, Math.Max(0, settings.MaxPayloadBytes), settings.SpoolFromBytes, settings.SpoolFolder, ct),
                cancellationToken);
        }
        catch (ProblemException problem)
        {
            return problem.ToResult();
        }
        using var received = report;
        if (report.IsEmpty)
        {
            throw ProblemException.BadRequest("Empty payload", "The request body is empty; send the scanner's report as the body.");
        }

        try
        {
            return TypedResults.Ok(await ingestor.IngestAsync(report, new ScanPushOptions(format, cluster, scope, team, pipeline, commit, isComplete), cancellationToken));
        }
        catch (IngestRejectedException ex)
        {
            return ex.ToProblem();
        }
    }
}
