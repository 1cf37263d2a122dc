using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.OpenApi;

namespace K8Posture.Shared;

/// <summary>
/// A request body read as raw bytes for endpoints that detect the format from the content: any Content-Type is accepted
/// (kubectl pipes YAML as application/yaml, SIEM scripts send text/plain or nothing); only the Content-Encoding can be
/// unsupported (415). Bad input becomes a problem naming what was wrong, never a 500.
/// </summary>
public static class RawRequestBody
{
    public readonly record struct Body(ReadOnlyMemory<byte> Payload, IResult? Problem);

    private const int SegmentSize = 1024 * 1024;

    /// <summary>
    /// Documents a raw body of any media type in the OpenAPI document. Unlike <c>Accepts</c>, which routing enforces as a
    /// content-type filter (a bare 415 for anything unlisted), this adds no constraint to the route.
    /// </summary>
    public static RouteHandlerBuilder AcceptsAnyContentType(this RouteHandlerBuilder builder, string description) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["*/*"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>
    /// The whole body as bytes (never a string), decoded when Content-Encoding says gzip, deflate or br; the limit applies to
    /// the decoded size while reading, so neither a missing Content-Length nor a zip bomb gets past it. With a Content-Length
    /// and no encoding the body is read into one array of that size; otherwise into 1 MB pooled segments joined once at the
    /// end. <paramref name="what"/> names the body in messages ("report", "manifests"); <paramref name="limitSetting"/> says how to
    /// change the limit.
    /// </summary>
    public static async Task<Body> ReadAsync(HttpContext context, long limit, string what, string limitSetting, CancellationToken cancellationToken)
    {
        var tooLarge = new Body(default, Results.Problem(
            title: "Payload too large",
            detail: $"The body ({what}) is larger than {limit} bytes, the limit of this endpoint after decompression ({limitSetting}).",
            statusCode: StatusCodes.Status413PayloadTooLarge));
        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        var encoded = encoding is not ("" or "identity");
        if (encoded && encoding is not ("gzip" or "x-gzip" or "deflate" or "br"))
        {
            return new Body(default, Results.Problem(
                title: "Unsupported content encoding",
                detail: $"Content-Encoding '{Clip(encoding, 100)}' is not supported; send the {what} plain or with gzip, deflate or br.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return tooLarge;
        }
        // The server's own default (30 MB) would cut bodies below the configured limit; the endpoint enforces its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var segments = new List<byte[]>();
        try
        {
            if (!encoded && context.Request.ContentLength is { } length)
            {
                var exact = new byte[length];
                var filled = 0;
                int read;
                while (filled < exact.Length && (read = await context.Request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
                {
                    filled += read;
                }
                return new Body(exact.AsMemory(0, filled), null);
            }

            await using var decoded = encoding switch
            {
                "gzip" or "x-gzip" => new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "deflate" => new ZLibStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                "br" => new BrotliStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
                _ => (Stream?)null,
            };
            var stream = decoded ?? context.Request.Body;
            long total = 0;
            while (true)
            {
                var segment = ArrayPool<byte>.Shared.Rent(SegmentSize);
                segments.Add(segment);
                var filled = 0;
                int read;
                while (filled < SegmentSize && (read = await stream.ReadAsync(segment.AsMemory(filled, SegmentSize - filled), cancellationToken)) > 0)
                {
                    filled += read;
                    total += read;
                    if (total > limit)
                    {
                        return tooLarge;
                    }
                }
                if (filled < SegmentSize)
                {
                    var body = new byte[total];
                    var offset = 0;
                    foreach (var full in segments)
                    {
                        var count = (int)Math.Min(SegmentSize, total - offset);
                        full.AsSpan(0, count).CopyTo(body.AsSpan(offset));
                        offset += count;
                    }
                    return new Body(body, null);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (InvalidDataException ex)
        {
            return new Body(default, Results.Problem(
                title: "Malformed content encoding",
                detail: $"The body is not valid {encoding} data: {ex.Message}",
                statusCode: StatusCodes.Status400BadRequest));
        }
        finally
        {
            foreach (var segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }

    private static string Clip(string value, int maxLength) => value.Length <= maxLength ? value : value[..maxLength];
}
