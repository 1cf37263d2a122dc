using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.Features;

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
    IReadOnlyList<string> References);

/// <summary><c>POST /api/v1/evaluate</c> and <c>GET /api/v1/rules</c>.</summary>
public static class RulesEndpoints
{
    /// <summary>Largest manifest set /api/v1/evaluate accepts.</summary>
    public const long MaxManifestBytes = 10L * 1024 * 1024;

    /// <summary>Enums as names ("High", "ContainerMisconfiguration") so pipelines can compare strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

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
            .Accepts<byte[]>("application/yaml", "application/json", "text/plain", "application/octet-stream")
            .Produces<EvaluationResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapGet("/rules", (RuleCatalogue catalogue) => Results.Json(catalogue.Rules.Select(ToDto).ToList(), Json))
            .RequireAuthorization(Policies.ApiRead)
            .WithName("ListRules")
            .WithSummary("The built-in rule catalogue")
            .WithDescription("Every rule the evaluate endpoint and the cluster collection run, with its OWASP Kubernetes Top 10 (2025) id, Pod Security Standards control and references to equivalent checks (polaris:, kube-score:, kubesec:, pss:, owasp-k8s-2025:).")
            .Produces<List<RuleDto>>();
        return endpoints;
    }

    public static RuleDto ToDto(IRule rule) =>
        new(rule.Id, rule.Title, rule.Category, rule.DefaultSeverity, rule.OwaspK8s, rule.PssControl, rule.Description, rule.Remediation, rule.References);

    private static async Task<IResult> EvaluateAsync(HttpContext context, PolicyEvaluator evaluator, PolicyStore policies, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(context, MaxManifestBytes, cancellationToken);
        if (body is null)
        {
            return Results.Problem(title: "Payload too large",
                detail: $"The manifests are larger than the {MaxManifestBytes} bytes this endpoint accepts; evaluate the chart or kustomization in parts.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        if (body.Value.IsEmpty)
        {
            return Results.Problem(title: "Empty payload", detail: "The request body is empty; send Kubernetes manifests (YAML or JSON) as the body.", statusCode: StatusCodes.Status400BadRequest);
        }
        var policy = await policies.GetCurrentAsync(cancellationToken);
        try
        {
            var result = evaluator.Evaluate(body.Value, policy.Document, policy.Version);
            return Results.Json(result, Json);
        }
        catch (ScanParseException ex)
        {
            return Results.Problem(title: "Invalid manifests", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: ex.Pointer is null ? null : new Dictionary<string, object?> { ["pointer"] = ex.Pointer });
        }
    }

    /// <summary>The whole body, or null when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
