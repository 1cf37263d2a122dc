using Microsoft.AspNetCore.Mvc;

namespace K8Posture.Shared.Http;

/// <summary>
/// The one writer of RFC 9457 problems for answers that are not an endpoint's result: the exception handler, the rate
/// limiter's refusal, the authentication challenge and forbid, and the database-fault middleware. It hands the problem to
/// ASP.NET Core's <see cref="IProblemDetailsService"/>, which adds the type URI, the status's title when none is given,
/// the <c>traceId</c> and the <c>application/problem+json</c> content type the same way for all of them.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Sets the status and writes the problem; false when the client accepts no JSON (nothing was written).</summary>
    public static ValueTask<bool> TryWriteAsync(HttpContext context, ProblemException problem, Exception? cause = null)
    {
        context.Response.StatusCode = problem.StatusCode;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = ToProblemDetails(problem), Exception = cause });
    }

    /// <summary>
    /// Writes the problem whatever the client accepts: middleware refusals have no later handler to answer instead, so a
    /// client that accepts no JSON still gets the problem as <c>application/problem+json</c> rather than an empty body.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ProblemException problem)
    {
        if (!await TryWriteAsync(context, problem))
        {
            await TypedResults.Problem(ToProblemDetails(problem)).ExecuteAsync(context);
        }
    }

    private static ProblemDetails ToProblemDetails(ProblemException problem)
    {
        var details = new ProblemDetails { Status = problem.StatusCode, Title = problem.Title, Detail = problem.Detail };
        foreach (var (name, value) in problem.Extensions)
        {
            details.Extensions[name] = value;
        }
        return details;
    }
}
