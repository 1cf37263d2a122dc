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

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

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
            return Results.Problem(title: "Unknown format", detail: "format is yaml or json.", statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var document = await organisation.ExportAsync(cancellationToken);
            return yaml.Value
                ? Results.Text(OrganisationDocumentWriter.ToYaml(document), "application/yaml; charset=utf-8")
                : Results.Text(OrganisationDocumentWriter.ToJson(document), "application/json; charset=utf-8");
        }
        catch (OrganisationException ex)
        {
            return ex.ToProblem();
        }
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
            return Results.Problem(title: "Invalid dryRun", detail: "dryRun is true or false.", statusCode: StatusCodes.Status400BadRequest);
        }
        var body = await ReadBodyAsync(context, cancellationToken);
        if (body is null)
        {
            return Results.Problem(title: "Payload too large",
                detail: $"The document is larger than the {MaxDocumentBytes} bytes this endpoint accepts.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        if (body.Value.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Results.Problem(title: "Empty payload",
                detail: "The request body is empty; send an Organisation document (YAML or JSON) or a CSV of teams (team,business_unit,entra_group_id,contact).",
                statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var diff = await organisation.ReadAndApplyAsync(body.Value, isDryRun, cancellationToken);
            return Results.Json(diff, Json);
        }
        catch (OrganisationDocumentException ex)
        {
            return ex.ToProblem();
        }
        catch (OrganisationException ex)
        {
            return ex.ToProblem();
        }
    }

    /// <summary>The whole body, or null when it is larger than <see cref="MaxDocumentBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is { } declared && declared > MaxDocumentBytes)
        {
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = MaxDocumentBytes + 1;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxDocumentBytes)
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
