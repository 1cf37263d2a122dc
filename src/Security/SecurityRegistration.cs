using K8Posture.Data;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Identity.Web;

namespace K8Posture.Security;

public enum AuthMode { EntraId, Local }

public static class SecurityRegistration
{
    /// <summary>Forwards to the right scheme: pipeline keys, Entra bearer tokens, or the people's cookie.</summary>
    public const string SelectorScheme = "K8Posture";

    public const string AuthCookieName = "k8posture.auth";

    /// <summary>Where a signed-in person without any K8Posture app role is sent.</summary>
    public const string NoRolePath = "/account/no-role";

    private static Task ApiStatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi"))
        {
            return ProblemResponses.WriteAsync(context.HttpContext, status == StatusCodes.Status401Unauthorized ? AccessProblems.AuthenticationRequired : AccessProblems.Forbidden);
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static AuthMode GetAuthMode(this IConfiguration configuration) =>
        configuration["Auth:Mode"] switch
        {
            "Local" or "local" => AuthMode.Local,
            null or "" or "EntraId" or "entraid" => AuthMode.EntraId,
            var other => throw new InvalidOperationException($"Auth:Mode '{other}' is not supported; use EntraId or Local."),
        };

    public static WebApplicationBuilder AddK8PostureSecurity(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetAuthMode();
        if (mode == AuthMode.Local && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Auth:Mode=Local signs anyone in as any persona and is refused outside the Development environment. Configure Auth:Mode=EntraId and the AzureAd section.");
        }

        var services = builder.Services;
        // Every outbound HTTP client (webhooks, Splunk HEC, Entra/Graph, future ones) logs its origin only, never its URL.
        services.AddRedactedOutboundHttpLogging();
        var authentication = services.AddAuthentication(o =>
        {
            o.DefaultScheme = SelectorScheme;
            o.DefaultChallengeScheme = SelectorScheme;
            o.DefaultForbidScheme = SelectorScheme;
        });

        services.AddOptions<GraphOptions>().Bind(builder.Configuration.GetSection(GraphOptions.Section));
        if (mode == AuthMode.EntraId)
        {
            var azureAd = builder.Configuration.GetSection("AzureAd");
            authentication.AddMicrosoftIdentityWebApp(azureAd, OpenIdConnectDefaults.AuthenticationScheme, CookieAuthenticationDefaults.AuthenticationScheme);
            // Token acquisition (for K8Posture's own Graph token) is enabled on the bearer scheme: on the web app scheme it
            // would turn people's sign-in into the authorization code flow, and the app keeps Entra's id_token + form_post.
            services.AddAuthentication().AddMicrosoftIdentityWebApi(azureAd, JwtBearerDefaults.AuthenticationScheme, subscribeToJwtBearerMiddlewareDiagnosticsEvents: false)
                .EnableTokenAcquisitionToCallDownstreamApi()
                .AddInMemoryTokenCaches();
            EntraConfiguration.Configure(services, builder.Configuration, builder.Environment);
        }
        else
        {
            authentication.AddCookie(CookieAuthenticationDefaults.AuthenticationScheme);
            services.AddSingleton<IGraphAppTokenSource, UnconfiguredGraphAppTokenSource>();
        }

        var cookieSecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            o.LoginPath = "/account/signin";
            o.LogoutPath = "/account/signout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = AuthCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure always outside Development; Lax (not Strict) so that the first page after Entra's form_post still carries it.
            o.Cookie.SecurePolicy = cookieSecurePolicy;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            // The API answers with status codes, never with a redirect to a page.
            o.Events.OnRedirectToLogin = context => ApiStatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context =>
            {
                // A person signed in without any K8Posture app role is told so (and who they are), not just "access denied".
                if (!context.Request.Path.StartsWithSegments("/api")
                    && context.HttpContext.User.Identity?.IsAuthenticated == true
                    && !context.HttpContext.User.IsMachine()
                    && !context.HttpContext.User.HasK8PostureRole())
                {
                    context.Response.Redirect(NoRolePath);
                    return Task.CompletedTask;
                }
                return ApiStatusOrRedirect(context, StatusCodes.Status403Forbidden);
            };
        });

        authentication.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        authentication.AddPolicyScheme(SelectorScheme, "K8Posture", o =>
        {
            o.ForwardDefaultSelector = context =>
            {
                var bearer = ApiKeyAuthenticationHandler.ReadBearer(context.Request);
                if (bearer is not null)
                {
                    return bearer.StartsWith(ApiKeySecrets.Prefix, StringComparison.Ordinal) || mode == AuthMode.Local
                        ? ApiKeyAuthenticationHandler.SchemeName
                        : JwtBearerDefaults.AuthenticationScheme;
                }
                // A signed-in person may read the API from the browser with the cookie; anonymous machines get 401 problem details.
                return context.Request.Path.StartsWithSegments("/api") && !context.Request.Cookies.ContainsKey(AuthCookieName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme;
            };
        });

        services.AddMemoryCache();
        services.AddSingleton<IEntraGroupResolver, GraphEntraGroupResolver>();
        services.AddTransient<IClaimsTransformation, TeamClaimsTransformation>();
        services.AddScoped<CircuitHandler, DataScopeCircuitHandler>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.SecurityAdmin, p => p.RequireRole(Roles.SecurityAdmin))
            .AddPolicy(Policies.SecurityTeam, p => p.RequireRole(Roles.SecurityAdmin, Roles.SecurityAnalyst))
            .AddPolicy(Policies.Reader, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Auditor, p => p.RequireRole(Roles.Auditor, Roles.SecurityAdmin))
            .AddPolicy(Policies.Ingest, p => p.RequireAssertion(c => MachineMay(c.User, ApiScopes.Ingest)))
            .AddPolicy(Policies.Evaluate, p => p.RequireAssertion(c => MachineMay(c.User, ApiScopes.Evaluate)))
            .AddPolicy(Policies.ApiRead, p => p.RequireAssertion(c => MachineMay(c.User, ApiScopes.Read) || Roles.All.Any(c.User.IsInRole)))
            .AddPolicy(Policies.ApiAdmin, p => p.RequireAssertion(c => MachineMay(c.User, ApiScopes.Admin) || c.User.IsInRole(Roles.SecurityAdmin)))
            .AddPolicy(Policies.ApiDocs, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsMachine() || c.User.HasK8PostureRole()));
        services.AddCascadingAuthenticationState();
        builder.AddSessions();
        builder.AddTransportSecurity();
        builder.AddK8PostureRateLimits();
        builder.AddDataProtectionKeyProtection();
        return builder;
    }

    /// <summary>A pipeline key with the scope, an Entra app token with the app role "Pipeline.{Scope}", or a key with admin scope.</summary>
    private static bool MachineMay(System.Security.Claims.ClaimsPrincipal user, string scope) =>
        user.HasApiScope(scope)
        || user.HasApiScope(ApiScopes.Admin)
        || user.IsInRole("Pipeline." + char.ToUpperInvariant(scope[0]) + scope[1..]);

    public static IApplicationBuilder UseDataScope(this IApplicationBuilder app) => app.UseMiddleware<DataScopeMiddleware>();
}
