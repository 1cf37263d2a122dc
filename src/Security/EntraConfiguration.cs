using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace K8Posture.Security;

/// <summary>
/// What K8Posture adds to Microsoft.Identity.Web's Entra ID set-up; everything else (response_type=id_token,
/// form_post, Entra's issuer validation) stays as Identity.Web makes it.
/// </summary>
public static class EntraConfiguration
{
    public const string Section = "AzureAd";

    /// <summary>
    /// <c>AzureAd:RequireHttpsMetadata=false</c> lets a local OpenID provider on http be used, in Development only;
    /// every other environment always requires https metadata, whatever the setting says.
    /// </summary>
    public static bool RequireHttpsMetadata(IConfiguration azureAd, IHostEnvironment environment) =>
        !environment.IsDevelopment() || azureAd.GetValue(nameof(RequireHttpsMetadata), true);

    /// <summary>A client secret, certificate or other client credential: what calling Microsoft Graph as the app needs.</summary>
    public static bool HasClientCredential(IConfiguration azureAd) =>
        !string.IsNullOrWhiteSpace(azureAd["ClientSecret"])
        || azureAd.GetSection("ClientCredentials").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c["SourceType"]))
        || azureAd.GetSection("ClientCertificates").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c["SourceType"]));

    /// <summary>The v2.0 authority Identity.Web derives from Instance and TenantId (or the explicit Authority).</summary>
    public static string Authority(IConfiguration azureAd) =>
        !string.IsNullOrWhiteSpace(azureAd["Instance"]) && !string.IsNullOrWhiteSpace(azureAd["TenantId"])
            ? $"{azureAd["Instance"]!.TrimEnd('/')}/{azureAd["TenantId"]}/v2.0"
            : azureAd["Authority"] ?? throw new InvalidOperationException("AzureAd needs Instance and TenantId (or Authority).");

    internal static void Configure(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var azureAd = configuration.GetSection(Section);
        var requireHttpsMetadata = RequireHttpsMetadata(azureAd, environment);
        var validIssuer = azureAd["ValidIssuer"];

        // Configure (which runs after Identity.Web's own Configure) rather than PostConfigure: the handlers' own
        // post-configuration refuses an http authority before a PostConfigure registered here would get to run.
        services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
        {
            options.RequireHttpsMetadata = requireHttpsMetadata;
            // Keeps the ID token in the cookie's properties so that sign-out can send it as id_token_hint.
            options.SaveTokens = true;
            OverrideIssuer(options.TokenValidationParameters, validIssuer);
            var identityWebHandler = options.Events.OnTokenValidated;
            options.Events.OnTokenValidated = async context =>
            {
                await identityWebHandler(context);
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    EntraTokenClaims.RemoveK8PostureClaims(identity);
                }
            };
        });
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.RequireHttpsMetadata = requireHttpsMetadata;
            OverrideIssuer(options.TokenValidationParameters, validIssuer);
            var identityWebHandler = options.Events.OnTokenValidated;
            options.Events.OnTokenValidated = async context =>
            {
                await identityWebHandler(context);
                if (context.Principal is { } principal)
                {
                    EntraTokenClaims.MarkAppOnlyToken(principal);
                }
            };
        });

        if (!HasClientCredential(azureAd))
        {
            services.AddSingleton<IGraphAppTokenSource, UnconfiguredGraphAppTokenSource>();
        }
        else if (environment.IsDevelopment() && LoopbackClientCredentialsTokenSource.IsHttpLoopback(azureAd["Instance"]) && !string.IsNullOrWhiteSpace(azureAd["ClientSecret"]))
        {
            services.AddHttpClient(LoopbackClientCredentialsTokenSource.HttpClientName);
            services.AddSingleton<IGraphAppTokenSource>(provider => new LoopbackClientCredentialsTokenSource(
                provider.GetRequiredService<IHttpClientFactory>(), Authority(azureAd), azureAd["ClientId"] ?? "", azureAd["ClientSecret"]!,
                provider.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton<IGraphAppTokenSource, IdentityWebGraphAppTokenSource>();
        }
    }

    /// <summary>
    /// <c>AzureAd:ValidIssuer</c> replaces Identity.Web's Entra issuer validator (which accepts the tenant's v1.0 and
    /// v2.0 issuers) with exactly one expected issuer, for a proxy, a sovereign cloud or a local provider.
    /// </summary>
    private static void OverrideIssuer(TokenValidationParameters parameters, string? validIssuer)
    {
        if (string.IsNullOrWhiteSpace(validIssuer))
        {
            return;
        }
        parameters.ValidateIssuer = true;
        parameters.IssuerValidator = null;
        parameters.ValidIssuers = null;
        parameters.ValidIssuer = validIssuer.Trim();
    }
}
