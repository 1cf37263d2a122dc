using Microsoft.Extensions.Http.Logging;

namespace K8Posture.Security;

/// <summary>
/// Replaces IHttpClientFactory's default logging for every client (named, typed and the unnamed one Identity.Web's
/// MSAL uses, now and in future) by <see cref="RedactingHttpClientLogger"/>. The default handlers write the whole
/// request URL at Information, and as a log scope onto every line written during the call; outbound URLs carry
/// secrets (Slack's /services/T…/B…/token, Teams' /webhookb2/… path, signed URLs, tokens in query strings).
/// </summary>
public static class OutboundHttpLogging
{
    /// <summary>The log category of the one line per outbound call.</summary>
    public const string Category = "K8Posture.OutboundHttp";

    public static IServiceCollection AddRedactedOutboundHttpLogging(this IServiceCollection services)
    {
        services.AddSingleton<RedactingHttpClientLogger>();
        // Defaults run before each client's own configuration, whatever the registration order.
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers().AddLogger<RedactingHttpClientLogger>(wrapHandlersPipeline: true));
        return services;
    }

    /// <summary>Scheme, host and port of <paramref name="uri"/>: never user info, path, query or fragment.</summary>
    public static string Origin(Uri? uri) =>
        uri is null ? "(no address)"
        : !uri.IsAbsoluteUri ? "(relative address)"
        : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>An exception's message with the request's URL and path replaced by its origin, should a handler have put them in.</summary>
    public static string RedactedMessage(Exception exception, Uri? uri)
    {
        var message = exception.Message;
        if (uri is { IsAbsoluteUri: true })
        {
            message = message.Replace(uri.OriginalString, Origin(uri), StringComparison.OrdinalIgnoreCase)
                .Replace(uri.AbsoluteUri, Origin(uri), StringComparison.OrdinalIgnoreCase);
            if (uri.PathAndQuery.Length > 1)
            {
                message = message.Replace(uri.PathAndQuery, "/[redacted]", StringComparison.OrdinalIgnoreCase);
            }
            if (uri.UserInfo.Length > 0)
            {
                message = message.Replace(uri.UserInfo, "[redacted]", StringComparison.OrdinalIgnoreCase);
            }
        }
        return message;
    }
}

/// <summary>One line per outbound HTTP request: method, origin (scheme, host, port), status and duration.</summary>
public sealed partial class RedactingHttpClientLogger(ILoggerFactory loggers) : IHttpClientLogger
{
    private readonly ILogger _logger = loggers.CreateLogger(OutboundHttpLogging.Category);

    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        Answered(_logger, request.Method.Method, OutboundHttpLogging.Origin(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        // Not the exception object: its message and inner exceptions come from handlers we do not own.
        if (exception is OperationCanceledException)
        {
            Cancelled(_logger, request.Method.Method, OutboundHttpLogging.Origin(request.RequestUri), elapsed.TotalMilliseconds);
            return;
        }
        Failed(_logger, request.Method.Method, OutboundHttpLogging.Origin(request.RequestUri), elapsed.TotalMilliseconds,
            exception.GetType().Name, OutboundHttpLogging.RedactedMessage(exception, request.RequestUri));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "HTTP {Method} {Origin} answered {StatusCode} in {ElapsedMilliseconds:0} ms")]
    private static partial void Answered(ILogger logger, string method, string origin, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "HTTP {Method} {Origin} failed after {ElapsedMilliseconds:0} ms: {ErrorKind}: {ErrorMessage}")]
    private static partial void Failed(ILogger logger, string method, string origin, double elapsedMilliseconds, string errorKind, string errorMessage);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "HTTP {Method} {Origin} cancelled after {ElapsedMilliseconds:0} ms")]
    private static partial void Cancelled(ILogger logger, string method, string origin, double elapsedMilliseconds);
}
