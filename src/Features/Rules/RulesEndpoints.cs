using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Security;

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

/// <summary><c>GET /api/v1/rules</c>: the rule catalogue.</summary>
public static class RulesEndpoints
{
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Policy checks");

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
}
