using System.Text.Json;
using K8Posture.Shared.Http;
using Microsoft.OpenApi;

namespace K8Posture.Shared;

/// <summary>The JSON body an endpoint reads itself: documents it in OpenAPI, and lets tests find it in the endpoint metadata.</summary>
public sealed record JsonBodyMetadata(Type BodyType);

public static class JsonBodyExtensions
{
    /// <summary>
    /// Documents the JSON body the handler reads itself (it reads it so that malformed JSON is a problem naming where it
    /// broke); unlike <c>Accepts</c>, this adds no content-type constraint to the route.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new JsonBodyMetadata(typeof(T))).AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}

/// <summary>
/// Reads a JSON body an endpoint takes itself, so that a body that is not JSON, is malformed or is empty is a problem naming
/// what and where (thrown as a <see cref="ProblemException"/> with the endpoint's title), and the service is never called.
/// </summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, string title, CancellationToken cancellationToken, JsonSerializerOptions? options = null, string? hint = null)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, title, "Send the body as JSON (Content-Type: application/json).");
        }
        T? value;
        try
        {
            value = await context.Request.ReadFromJsonAsync<T>(options ?? HttpJson.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            var where = ex.Path ?? "$";
            var line = ex.LineNumber is { } number ? $" (line {number + 1}, position {ex.BytePositionInLine + 1})" : "";
            throw ProblemException.BadRequest(title, $"The body is not valid JSON for this request at {where}{line}" + (hint is null ? "." : $": {hint}."));
        }
        return value ?? throw ProblemException.BadRequest(title, "The body is empty or null; send a JSON object.");
    }
}
