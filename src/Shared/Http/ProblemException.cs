using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Shared.Http;

/// <summary>
/// A refusal a person can act on: thrown by services and endpoints alike, written once as RFC 9457 problem details by
/// <see cref="ProblemExceptionHandler"/>, and caught by pages to show the same detail.
/// </summary>
public class ProblemException(int statusCode, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null, Exception? inner = null)
    : Exception(detail, inner)
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;
    /// <summary>What the problem's <c>detail</c> says; the message unless a subtype adds where it happened.</summary>
    public virtual string Detail => Message;
    public virtual IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
    /// <summary>The input at fault, when the problem names one (its <c>field</c> extension).</summary>
    public string? Field => Extensions.TryGetValue("field", out var named) ? named as string : null;

    /// <summary>A 400 naming the field at fault (as the <c>field</c> extension) when there is one.</summary>
    public static ProblemException BadRequest(string title, string detail, string? field = null) =>
        new(StatusCodes.Status400BadRequest, title, detail, FieldExtension(field));

    /// <summary>400 naming every error found; nothing was saved.</summary>
    public static ProblemException Invalid(string title, IEnumerable<string> errors) =>
        BadRequest(title, "Nothing was saved: " + string.Join("; ", errors) + ".");

    public static ProblemException Forbidden(string detail, string title = "Forbidden") => new(StatusCodes.Status403Forbidden, title, detail);

    public static ProblemException NotFound(string title, string detail, string? field = null) =>
        new(StatusCodes.Status404NotFound, title, detail, FieldExtension(field));

    public static ProblemException Conflict(string title, string detail, string? field = null) =>
        new(StatusCodes.Status409Conflict, title, detail, FieldExtension(field));

    /// <summary>The problem as an endpoint result, for handlers that answer with a problem rather than throw one.</summary>
    public ProblemHttpResult ToResult() =>
        TypedResults.Problem(title: Title, detail: Detail, statusCode: StatusCode, extensions: Extensions.Count == 0 ? null : Extensions);

    private static Dictionary<string, object?>? FieldExtension(string? field) => field is null ? null : new() { ["field"] = field };
}
