namespace K8Posture.Features.Governance;

/// <summary>A governance change was refused: not allowed (403), not found (404), invalid (400) or in conflict (409). Nothing was written.</summary>
public sealed class GovernanceChangeException(int statusCode, string title, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;

    public static GovernanceChangeException Forbidden(string message) => new(StatusCodes.Status403Forbidden, "Forbidden", message);

    public static GovernanceChangeException Invalid(string title, IEnumerable<string> errors) =>
        new(StatusCodes.Status400BadRequest, title, "Nothing was saved: " + string.Join("; ", errors) + ".");

    public IResult ToProblem() => Results.Problem(title: Title, detail: Message, statusCode: StatusCode);
}
