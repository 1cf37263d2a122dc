namespace K8Posture.Security;

/// <summary>The <c>ApiDocs</c> section: whether /openapi and /scalar need a signed-in person or an authenticated machine.</summary>
public static class ApiDocsAccess
{
    public const string Section = "ApiDocs";

    /// <summary><c>ApiDocs:RequireSignIn</c>; default on outside Development, off in Development.</summary>
    public static bool RequiresSignIn(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetSection(Section).GetValue<bool?>("RequireSignIn") ?? !environment.IsDevelopment();
}
