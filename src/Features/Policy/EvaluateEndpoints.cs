using K8Posture.Shared.Http;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Rules;
using K8Posture.Security;
using K8Posture.Shared;

namespace K8Posture.Features.Policy;

/// <summary><c>POST /api/v1/evaluate</c>: manifests checked against the policy in force.</summary>
public static class EvaluateEndpoints
{
    /// <summary>Largest manifest set /api/v1/evaluate accepts.</summary>
    public const long MaxManifestBytes = 10L * 1024 * 1024;

    public static IEndpointRouteBuilder MapEvaluateEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Policy checks");

        group.MapPost("/evaluate", EvaluateAsync)
            .RequireAuthorization(Policies.Evaluate)
            .RequireRateLimiting(RateLimitPolicies.Evaluate)
            .WithName("Evaluate")
            .WithSummary("Check Kubernetes manifests against the Security Team's policy")
            .WithDescription("The body is one or more Kubernetes objects: multi-document YAML, JSON, a List, or Helm-rendered output (# Source: comments are fine); any content type, up to 10 MB. "
                + "The whole set is evaluated together (bindings with the workloads that use them, namespaces with their NetworkPolicies). "
                + "The current policy's rule switches, severity overrides and allowed registries apply; passed is false when a finding reaches the policy's fail threshold. Nothing is stored.")
            .AcceptsAnyContentType("Kubernetes manifests: multi-document YAML, JSON or a List, with any Content-Type.")
            .Produces<EvaluationResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    private static async Task<IResult> EvaluateAsync(HttpContext context, PolicyEvaluator evaluator, PolicyStore policies, CancellationToken cancellationToken)
    {
        var payload = await RawRequestBody.ReadRequiredAsync(context, MaxManifestBytes, "manifests", "fixed; evaluate a chart or kustomization in parts",
            "send Kubernetes manifests (YAML or JSON) as the body.", cancellationToken);
        var policy = await policies.GetCurrentAsync(cancellationToken);
        try
        {
            var result = evaluator.Evaluate(payload, policy.Document, policy.Version);
            return TypedResults.Ok(result);
        }
        catch (ScanParseException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Invalid manifests", ex.Message,
                ex.Pointer is null ? null : new Dictionary<string, object?> { ["pointer"] = ex.Pointer }, ex);
        }
    }
}
