using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Security;
using K8Posture.Shared;

namespace K8Posture.Features.Rules;

public sealed record RuleDto(
    string Id,
    string Title,
    FindingCategory Category,
    FindingSeverity DefaultSeverity,
    string OwaspK8s,
    string? PssControl,
    string Description,
    string Remediation,
    IReadOnlyList<string> References,
    IReadOnlyList<ReferenceAgreement> AgreesWith,
    IReadOnlyList<ReferenceDifference> DiffersFrom);

/// <summary><c>POST /api/v1/evaluate</c> and <c>GET /api/v1/rules</c>.</summary>
public static class RulesEndpoints
{
    /// <summary>Largest manifest set /api/v1/evaluate accepts.</summary>
    public const long MaxManifestBytes = 10L * 1024 * 1024;

    /// <summary>Enums as names ("High", "ContainerMisconfiguration") so pipelines can compare strings.</summary>
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
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

        group.MapGet("/rules", (RuleCatalogue catalogue) => TypedResults.Ok(catalogue.Rules.Select(r => ToDto(r, catalogue)).ToList()))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListRules")
            .WithSummary("The built-in rule catalogue")
            .WithDescription("Every rule the evaluate endpoint and the cluster collection run, with its OWASP Kubernetes Top 10 (2025) id, Pod Security Standards control and references to equivalent checks (polaris:, kube-score:, kubesec:, pss:, owasp-k8s-2025:). "
                + "agreesWith lists the Polaris, kube-score and kubesec checks whose documented cases (their own test files, evaluated by our test suite) we all decide as the tool does, with the number of fixtures and, when the check is several of our rules together, the others (together); "
                + "differsFrom lists documented cases we deliberately decide otherwise, with the reason. Other references are equivalences we have not proved on the tool's own cases.")
            .Produces<List<RuleDto>>();
        return endpoints;
    }

    public static RuleDto ToDto(IRule rule, RuleCatalogue catalogue) =>
        new(rule.Id, rule.Title, rule.Category, rule.DefaultSeverity, rule.OwaspK8s, rule.PssControl, rule.Description, rule.Remediation, rule.References,
            ReferenceCases.AgreementsOf(rule, catalogue), ReferenceCases.DifferencesOf(rule));

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
            return TypedResults.Problem(title: "Invalid manifests", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: ex.Pointer is null ? null : new Dictionary<string, object?> { ["pointer"] = ex.Pointer });
        }
    }
}
