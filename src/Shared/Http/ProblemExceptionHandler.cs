using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace K8Posture.Shared.Http;

/// <summary>Writes a <see cref="ProblemException"/> as RFC 9457 problem details; anything else is left to the default 500.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ProblemException problem)
        {
            return ValueTask.FromResult(false);
        }
        httpContext.Response.StatusCode = problem.StatusCode;
        var details = new ProblemDetails { Status = problem.StatusCode, Title = problem.Title, Detail = problem.Detail };
        foreach (var (name, value) in problem.Extensions)
        {
            details.Extensions[name] = value;
        }
        return problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
