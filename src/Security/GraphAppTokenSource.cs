using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;

namespace K8Posture.Security;

/// <summary>Where K8Posture calls Microsoft Graph (section <c>Graph</c>); a test points <see cref="BaseUrl"/> at a local stub.</summary>
public sealed class GraphOptions
{
    public const string Section = "Graph";
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";
    /// <summary>The app-only scope asked for; national clouds use their own Graph host.</summary>
    public string Scope { get; set; } = "https://graph.microsoft.com/.default";
    /// <summary>How long one look-up of a person's groups (all pages) may take before it counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary>An app-only access token for Microsoft Graph, acquired with K8Posture's own app registration.</summary>
public interface IGraphAppTokenSource
{
    /// <summary>False when the app registration has no client secret or certificate configured: Graph cannot be called.</summary>
    bool IsConfigured { get; }

    Task<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken);
}

/// <summary>Local sign-in, or Entra ID without a client credential: nothing to call Graph with.</summary>
internal sealed class UnconfiguredGraphAppTokenSource : IGraphAppTokenSource
{
    public bool IsConfigured => false;

    public Task<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No client secret or certificate is configured for the app registration (AzureAd section).");
}

/// <summary>
/// Production: Microsoft.Identity.Web's token acquisition (MSAL, with its in-memory token cache) using the
/// credentials of the AzureAd section. Token acquisition is enabled on the bearer (web API) scheme, because
/// enabling it on the web app scheme would switch people's sign-in to the authorization code flow.
/// </summary>
internal sealed class IdentityWebGraphAppTokenSource(IServiceScopeFactory scopes) : IGraphAppTokenSource
{
    public bool IsConfigured => true;

    public async Task<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken)
    {
        await using var serviceScope = scopes.CreateAsyncScope();
        var tokens = serviceScope.ServiceProvider.GetRequiredService<ITokenAcquisition>();
        return await tokens.GetAccessTokenForAppAsync(
            scope,
            authenticationScheme: JwtBearerDefaults.AuthenticationScheme,
            tokenAcquisitionOptions: new TokenAcquisitionOptions { CancellationToken = cancellationToken });
    }
}

/// <summary>
/// Development only, and only when AzureAd:Instance is an http loopback address (a local OpenID provider in tests):
/// MSAL refuses any authority that is not https ("The authority must use HTTPS scheme"), so the client credentials
/// grant is posted directly to the token endpoint the provider's metadata names.
/// </summary>
internal sealed class LoopbackClientCredentialsTokenSource(
    IHttpClientFactory httpClients, string authority, string clientId, string clientSecret, TimeProvider clock) : IGraphAppTokenSource
{
    public const string HttpClientName = "entra-loopback";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Scope, string Token, DateTimeOffset ExpiresAt)? _cached;

    public bool IsConfigured => true;

    /// <summary>Is this an authority the loopback source may talk to: http, on this machine.</summary>
    public static bool IsHttpLoopback(string? instance) =>
        Uri.TryCreate(instance, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    public async Task<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } cached && cached.Scope == scope && cached.ExpiresAt > clock.GetUtcNow())
            {
                return cached.Token;
            }
            var http = httpClients.CreateClient(HttpClientName);
            var metadataUrl = authority.TrimEnd('/') + "/.well-known/openid-configuration";
            using var metadata = JsonDocument.Parse(await http.GetStringAsync(metadataUrl, cancellationToken));
            var tokenEndpoint = metadata.RootElement.GetProperty("token_endpoint").GetString()
                ?? throw new InvalidOperationException("The provider's metadata names no token_endpoint.");

            using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["scope"] = scope,
                }),
            };
            // client_secret_basic, which every provider supports; oidc-provider and Entra also take client_secret_post.
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret))));
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The body names the OAuth error (invalid_client, invalid_scope…) and never holds a secret.
                throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(cancellationToken))}");
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var token = body.RootElement.GetProperty("access_token").GetString()
                ?? throw new InvalidOperationException("The token endpoint answered without an access_token.");
            var lifetime = body.RootElement.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds) ? seconds : 300;
            _cached = (scope, token, clock.GetUtcNow().AddSeconds(Math.Max(0, lifetime - 60)));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];
}
