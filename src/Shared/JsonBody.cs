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
