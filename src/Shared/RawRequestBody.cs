using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using K8Posture.Shared.Http;
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
    /// The whole body, as <see cref="ReadAsync"/> reads it, or a <see cref="ProblemException"/> when it cannot be read or is
    /// empty (blank counts as empty when <paramref name="blankIsEmpty"/>); <paramref name="whenEmpty"/> tells what to send.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadRequiredAsync(HttpContext context, long limit, string what, string limitSetting, string whenEmpty,
        CancellationToken cancellationToken, bool blankIsEmpty = false)
    {
        var payload = await ReadOrThrowAsync(context, limit, what, limitSetting, cancellationToken);
        if (payload.IsEmpty || (blankIsEmpty && payload.Span.Trim(" \t\r\n"u8).IsEmpty))
        {
            throw ProblemException.BadRequest("Empty payload", "The request body is empty; " + whenEmpty);
        }
        return payload;
    }

    /// <summary>The whole body, or the problem that stopped reading it as a result (for handlers that answer rather than throw).</summary>
    public static async Task<Body> ReadAsync(HttpContext context, long limit, string what, string limitSetting, CancellationToken cancellationToken)
    {
        try
        {
            return new Body(await ReadOrThrowAsync(context, limit, what, limitSetting, cancellationToken), null);
        }
        catch (ProblemException problem)
        {
            return new Body(default, problem.ToResult());
        }
    }

    /// <summary>
    /// The body, decoded as <see cref="ReadAsync"/> decodes it and under the same checks (415 for an unknown encoding, 413
    /// past <paramref name="limit"/>, 400 for broken encoding), handed to <paramref name="read"/> with its length when the
    /// request declares it unencoded; <paramref name="read"/> enforces the limit on what it reads by throwing
    /// <see cref="BodyTooLargeException"/>. For a body the caller keeps somewhere else than in one array (a spool file).
    /// </summary>
    public static async Task<T> ReadDecodedAsync<T>(HttpContext context, long limit, string what, string limitSetting,
        Func<Stream, long?, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var tooLarge = TooLarge(limit, what, limitSetting);
        var encoding = CheckedEncoding(context, limit, what, tooLarge);
        try
        {
            await using var decoded = Decoded(context, encoding);
            return await read(decoded ?? context.Request.Body, decoded is null ? context.Request.ContentLength : null, cancellationToken);
        }
        catch (Exception ex) when (ex is BodyTooLargeException || (ex is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status413PayloadTooLarge))
        {
            throw tooLarge;
        }
        catch (InvalidDataException ex)
        {
            throw ProblemException.BadRequest("Malformed content encoding", $"The body is not valid {encoding} data: {ex.Message}");
        }
    }

    private static ProblemException TooLarge(long limit, string what, string limitSetting) =>
        new(StatusCodes.Status413PayloadTooLarge, "Payload too large",
            $"The body ({what}) is larger than {limit} bytes, the limit of this endpoint after decompression ({limitSetting}).");

    /// <summary>The body's Content-Encoding ("" or "identity" for none), checked, with the size limits set.</summary>
    private static string CheckedEncoding(HttpContext context, long limit, string what, ProblemException tooLarge)
    {
        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip" or "x-gzip" or "deflate" or "br"))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding",
                $"Content-Encoding '{ColumnLengths.Clip(encoding, 100)}' is not supported; send the {what} plain or with gzip, deflate or br.");
        }
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            throw tooLarge;
        }
        // The server's own default (30 MB) would cut bodies below the configured limit; the endpoint enforces its own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit == long.MaxValue ? null : limit + 1;
        }
        return encoding;
    }

    private static Stream? Decoded(HttpContext context, string encoding) => encoding switch
    {
        "gzip" or "x-gzip" => new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
        "deflate" => new ZLibStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
        "br" => new BrotliStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true),
        _ => null,
    };

    /// <summary>
    /// The whole body as bytes (never a string), decoded when Content-Encoding says gzip, deflate or br; the limit applies to
    /// the decoded size while reading, so neither a missing Content-Length nor a zip bomb gets past it. With a Content-Length
    /// and no encoding the body is read into one array of that size; otherwise into 1 MB pooled segments joined once at the
    /// end. <paramref name="what"/> names the body in messages ("report", "manifests"); <paramref name="limitSetting"/> says how to
    /// change the limit.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> ReadOrThrowAsync(HttpContext context, long limit, string what, string limitSetting, CancellationToken cancellationToken)
    {
        var tooLarge = TooLarge(limit, what, limitSetting);
        var encoding = CheckedEncoding(context, limit, what, tooLarge);
        var encoded = encoding is not ("" or "identity");

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
                return exact.AsMemory(0, filled);
            }

            await using var decoded = Decoded(context, encoding);
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
                        throw tooLarge;
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
                    return body;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw tooLarge;
        }
        catch (InvalidDataException ex)
        {
            throw ProblemException.BadRequest("Malformed content encoding", $"The body is not valid {encoding} data: {ex.Message}");
        }
        finally
        {
            foreach (var segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }
}

/// <summary>A body longer than the limit it was read under; <see cref="RawRequestBody.ReadDecodedAsync{T}"/> answers it with 413.</summary>
public sealed class BodyTooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
