using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace K8Posture.Shared.Http;

/// <summary>
/// Writes a <see cref="ProblemException"/> as RFC 9457 problem details, and a request the framework could not bind or
/// validate (<see cref="BadHttpRequestException"/>) with its own 4xx status; anything else is left to the default 500.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details;
        if (exception is ProblemException problem)
        {
            details = new ProblemDetails { Status = problem.StatusCode, Title = problem.Title, Detail = problem.Detail };
            foreach (var (name, value) in problem.Extensions)
            {
                details.Extensions[name] = value;
            }
        }
        else if (exception is BadHttpRequestException badRequest)
        {
            details = new ProblemDetails { Status = badRequest.StatusCode, Title = "Bad request", Detail = badRequest.Message };
        }
        else
        {
            return ValueTask.FromResult(false);
        }
        httpContext.Response.StatusCode = details.Status.Value;
        return problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
