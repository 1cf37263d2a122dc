using K8Posture.Features.Ingestion;
using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Vex;

/// <summary><c>POST</c> and <c>DELETE /api/v1/ingest/vex</c>, <c>GET /api/v1/vex</c>.</summary>
public static class VexEndpoints
{
    public static IEndpointRouteBuilder MapVexApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/ingest/vex", async (HttpContext context, VexService vex, IOptions<IngestionOptions> options, string? team, CancellationToken ct) =>
            {
                var payload = await RawRequestBody.ReadRequiredAsync(context, Math.Clamp(options.Value.MaxPayloadBytes, 0, Array.MaxLength), "VEX document",
                    "raise Ingestion:MaxPayloadBytes, or split it", "send the OpenVEX or CycloneDX VEX document as the body.", ct);
                return TypedResults.Ok(await vex.LoadAsync(payload, team, ct));
            })
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("VEX")
            .WithName("IngestVex")
            .WithSummary("Push a VEX document (OpenVEX or CycloneDX VEX)")
            .WithDescription("The body is an OpenVEX document (@context https://openvex.dev/ns/…) or a CycloneDX BOM whose vulnerabilities carry analysis.state. "
                + "A not_affected statement marks the matching findings Not affected (kept, shown, audited, out of the open figures); affected, fixed, under_investigation, "
                + "or a newer version of the same document (same @id/serialNumber) without the statement brings them back. Newest statement per vulnerability and product wins. "
                + "A team's key speaks only for its team's findings (team= picks one of its teams). Matching rules: docs/vex.md.")
            .AcceptsAnyContentType("An OpenVEX or CycloneDX VEX JSON document.")
            .Produces<VexOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        endpoints.MapDelete("/api/v1/ingest/vex", async (VexService vex, string? id, CancellationToken ct) => TypedResults.Ok(await vex.WithdrawAsync(id ?? "", ct)))
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitPolicies.Ingest)
            .WithTags("VEX")
            .WithName("WithdrawVex")
            .WithSummary("Withdraw a VEX document")
            .WithDescription("id= is the document's @id (OpenVEX), serialNumber (CycloneDX) or the sha256:… id the push answered. Its statements stop counting; findings it marked are re-decided (most go back to open).")
            .Produces<VexOutcome>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapGet("/api/v1/vex", async (VexService vex, CancellationToken ct) => TypedResults.Ok(await vex.ListAsync(ct)))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("VexDocuments").WithTags("VEX")
            .WithSummary("The VEX documents in force (organisation-wide ones and the caller's teams'), with how many visible findings each marks not affected");
        return endpoints;
    }
}
