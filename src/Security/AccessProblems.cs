using K8Posture.Shared.Http;

namespace K8Posture.Security;

/// <summary>
/// The API's 401 and 403, the same whichever scheme answers: the pipeline-key handler or the people's cookie on an API path.
/// </summary>
internal static class AccessProblems
{
    public static ProblemException AuthenticationRequired => new(StatusCodes.Status401Unauthorized, "Authentication required",
        "Sign in, or send a pipeline key (Authorization: Bearer k8p_…) or an Entra ID access token.");

    public static ProblemException Forbidden => new(StatusCodes.Status403Forbidden, "Forbidden",
        "The caller is authenticated but lacks the scope or role this endpoint needs.");
}
