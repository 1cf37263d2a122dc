using Microsoft.AspNetCore.Diagnostics;

namespace K8Posture.Shared.Http;

/// <summary>
/// Writes a <see cref="ProblemException"/> as RFC 9457 problem details (through <see cref="ProblemResponses"/>), and a
/// request the framework could not bind or validate (<see cref="BadHttpRequestException"/>) with its own 4xx status;
/// anything else is left to the default 500.
/// </summary>
public sealed class ProblemExceptionHandler : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        exception switch
        {
            ProblemException problem => ProblemResponses.TryWriteAsync(httpContext, problem, exception),
            BadHttpRequestException badRequest => ProblemResponses.TryWriteAsync(httpContext,
                new ProblemException(badRequest.StatusCode, "Bad request", badRequest.Message, inner: badRequest), exception),
            _ => ValueTask.FromResult(false),
        };
}
