using K8Posture.Shared;
using K8Posture.Shared.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.Features;

namespace K8Posture.Features.Organisation;

/// <summary>
/// The organisation as code over HTTP: <c>GET /api/v1/organisation</c> exports the document (YAML or JSON) and
/// <c>POST /api/v1/organisation?dryRun=true|false</c> applies a YAML, JSON or CSV body, whatever its Content-Type.
/// </summary>
public static class OrganisationAsCodeEndpoints
{
    /// <summary>A large organisation (thousands of teams with their groups and applications) stays well under this.</summary>
    public const long MaxDocumentBytes = 4 * 1024 * 1024;


    public static IEndpointRouteBuilder MapOrganisationAsCode(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/organisation", ExportAsync)
            .RequireAuthorization(Policies.ApiRead)
            .WithTags("Organisation")
            .WithName("ExportOrganisation")
            .WithSummary("The organisation as one document (business units, teams, Entra groups, applications, pipeline identities, namespace ownership)")
            .WithDescription("YAML with Accept: application/yaml or ?format=yaml, JSON otherwise. Organisation-wide callers only (Security Team, leadership, auditors, keys without a team). "
                + "Importing the export back changes nothing.")
            .Produces<string>(StatusCodes.Status200OK, "application/json", "application/yaml")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        endpoints.MapPost("/api/v1/organisation", ImportAsync)
            .RequireAuthorization(Policies.ApiAdmin)
            .WithTags("Organisation")
            .WithName("ImportOrganisation")
            .WithSummary("Apply an organisation document (YAML or JSON) or a CSV of teams; dryRun=true only shows the diff")
            .WithDescription("The body's format is read from its content, whatever the Content-Type; up to 4 MB. Business units, teams and applications are matched by name, "
                + "groups by Entra object id, pipeline identities by Entra id: created when new, updated when different, moved when the document places them in another team. "
                + "What the document does not name, and fields it leaves out, are left alone. The whole document is checked first: every problem, with its path, in one 400; "
                + "then everything is written in one transaction and audited. The answer is the diff.")
            .Produces<OrganisationDiff>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, OrganisationImport organisation, string? format, CancellationToken cancellationToken)
    {
        var yaml = format?.Trim().ToLowerInvariant() switch
        {
            "yaml" or "yml" => true,
            "json" => false,
            null or "" => context.Request.Headers.Accept.Any(a => a is not null && (a.Contains("yaml", StringComparison.OrdinalIgnoreCase))),
            _ => (bool?)null,
        };
        if (yaml is null)
        {
            throw ProblemException.BadRequest("Unknown format", "format is yaml or json.");
        }
        var document = await organisation.ExportAsync(cancellationToken);
        return yaml.Value
            ? TypedResults.Text(OrganisationDocumentWriter.ToYaml(document), "application/yaml; charset=utf-8")
            : TypedResults.Text(OrganisationDocumentWriter.ToJson(document), "application/json; charset=utf-8");
    }

    private static async Task<IResult> ImportAsync(HttpContext context, OrganisationImport organisation, string? dryRun, CancellationToken cancellationToken)
    {
        bool isDryRun;
        if (string.IsNullOrEmpty(dryRun))
        {
            isDryRun = false;
        }
        else if (!bool.TryParse(dryRun, out isDryRun))
        {
            throw ProblemException.BadRequest("Invalid dryRun", "dryRun is true or false.");
        }
        var body = await RawRequestBody.ReadRequiredAsync(context, MaxDocumentBytes, "document", "fixed; split the organisation into parts",
            "send an Organisation document (YAML or JSON) or a CSV of teams (team,business_unit,entra_group_id,contact).", cancellationToken, blankIsEmpty: true);
        return TypedResults.Ok(await organisation.ReadAndApplyAsync(body, isDryRun, cancellationToken));
    }
}
