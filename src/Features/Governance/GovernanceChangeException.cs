using K8Posture.Shared.Http;

namespace K8Posture.Features.Governance;

/// <summary>A governance change was refused: not allowed (403), not found (404), invalid (400) or in conflict (409). Nothing was written.</summary>
public static class GovernanceProblem
{
    public static ProblemException Forbidden(string detail) => ProblemException.Forbidden(detail);

    public static ProblemException Invalid(string title, IEnumerable<string> errors) =>
        ProblemException.BadRequest(title, "Nothing was saved: " + string.Join("; ", errors) + ".");
}
