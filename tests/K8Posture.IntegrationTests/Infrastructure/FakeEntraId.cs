using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// An Entra-shaped OpenID provider and Microsoft Graph on loopback (Kestrel, dynamic port), enough for the app's
/// handlers to run for real: v2.0 metadata and signing keys at <c>/{tenant}/v2.0</c>, a client-credentials token
/// endpoint, an end-session endpoint, and Graph's <c>/v1.0/users/{oid}/transitiveMemberOf/microsoft.graph.group</c>
/// answering in pages. Tokens are minted here (RS256) with whatever claims a test needs.
/// </summary>
public sealed class FakeEntraId : IAsyncDisposable
{
    public const string ClientId = "00000000-0000-0000-0000-0000000c1e47";
    public const string ClientSecret = "fake-client-secret-never-logged";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _groupsByUser = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _issuedAppTokens = new();
    private WebApplication? _app;

    public FakeEntraId()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "fake-entra-key" };
    }

    public string TenantId { get; } = "7e57e57e-0000-4000-8000-" + Random.Shared.NextInt64(0x100000000000, 0xffffffffffff).ToString("x12");
    public Uri Address { get; private set; } = new("http://127.0.0.1");
    public string Instance => Address.ToString();
    public string Issuer => $"{Address}{TenantId}/v2.0";
    public string GraphBaseUrl => $"{Address}v1.0";

    /// <summary>Groups per Graph page; small so that paging is exercised.</summary>
    public int GraphPageSize { get; set; } = 2;

    private readonly ConcurrentDictionary<string, int> _graphFailures = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<(string PathAndQuery, string? Authorization)> GraphRequests { get; } = new();
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> TokenRequests { get; } = new();

    /// <summary>What Graph says the user (object id) is a member of.</summary>
    public FakeEntraId SetGroups(string userObjectId, params string[] groupIds)
    {
        _groupsByUser[userObjectId] = groupIds;
        return this;
    }

    /// <summary>Graph answers every look-up of this user with the status and an OData error (403: permission not granted).</summary>
    public FakeEntraId FailGraphFor(string userObjectId, int status = 403)
    {
        _graphFailures[userObjectId] = status;
        return this;
    }

    public async Task<FakeEntraId> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Results.Json(Metadata(tenant)));
        _app.MapGet("/{tenant}/discovery/v2.0/keys", () => Results.Json(new { keys = new[] { JsonWebKeyOf(_key) } }));
        _app.MapPost("/{tenant}/oauth2/v2.0/token", (Delegate)IssueAppToken);
        _app.MapGet("/v1.0/users/{oid}/transitiveMemberOf/microsoft.graph.group", TransitiveGroups);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.TrimEnd('/') + "/");
        return this;
    }

    private JsonObject Metadata(string tenant) => new()
    {
        ["issuer"] = $"{Address}{tenant}/v2.0",
        ["authorization_endpoint"] = $"{Address}{tenant}/oauth2/v2.0/authorize",
        ["token_endpoint"] = $"{Address}{tenant}/oauth2/v2.0/token",
        ["end_session_endpoint"] = $"{Address}{tenant}/oauth2/v2.0/logout",
        ["jwks_uri"] = $"{Address}{tenant}/discovery/v2.0/keys",
        ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
        ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
        ["subject_types_supported"] = new JsonArray("pairwise"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
        ["tenant_region_scope"] = "EU",
    };

    private static object JsonWebKeyOf(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(false);
        return new
        {
            kty = "RSA",
            use = "sig",
            kid = key.KeyId,
            n = Base64UrlEncoder.Encode(parameters.Modulus),
            e = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    /// <summary>Whether this provider issued <paramref name="token"/> by client credentials for <paramref name="scope"/>: what a resource server checks.</summary>
    public bool IssuedAppToken(string token, string scope) => _issuedAppTokens.TryGetValue(token, out var issuedFor) && issuedFor == scope;

    private async Task<IResult> IssueAppToken(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var (clientId, secret) = BasicCredentials(context.Request.Headers.Authorization.ToString())
            ?? (fields.GetValueOrDefault("client_id") ?? "", fields.GetValueOrDefault("client_secret") ?? "");
        fields["authenticated_client_id"] = clientId;
        TokenRequests.Enqueue(fields);
        if (clientId != ClientId || secret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }
        if (fields.GetValueOrDefault("grant_type") != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        }
        var token = "graph-app-token-" + Guid.NewGuid().ToString("N");
        _issuedAppTokens[token] = fields.GetValueOrDefault("scope") ?? "";
        return Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = token });
    }

    private static (string, string)? BasicCredentials(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
    }

    private IResult TransitiveGroups(HttpContext context, string oid)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        GraphRequests.Enqueue((context.Request.Path + context.Request.QueryString, authorization));
        if (_graphFailures.TryGetValue(oid, out var status))
        {
            return Results.Json(new { error = new { code = "Authorization_RequestDenied", message = "Insufficient privileges to complete the operation." } }, statusCode: status);
        }
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (!_issuedAppTokens.TryGetValue(token, out var scope) || scope != "https://graph.microsoft.com/.default")
        {
            return Results.Json(new { error = new { code = "InvalidAuthenticationToken", message = "Access token is empty or invalid." } }, statusCode: 401);
        }
        if (!_groupsByUser.TryGetValue(oid, out var groups))
        {
            return Results.Json(new { error = new { code = "Request_ResourceNotFound", message = $"Resource '{oid}' does not exist." } }, statusCode: 404);
        }
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var s) ? s : 0;
        var page = groups.Skip(skip).Take(GraphPageSize).Select(id => new JsonObject { ["@odata.type"] = "#microsoft.graph.group", ["id"] = id });
        var body = new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#groups(id)",
            ["value"] = new JsonArray(page.ToArray<JsonNode?>()),
        };
        if (skip + GraphPageSize < groups.Count)
        {
            body["@odata.nextLink"] = $"{GraphBaseUrl}/users/{oid}/transitiveMemberOf/microsoft.graph.group?$select=id&$skiptoken={skip + GraphPageSize}";
        }
        return Results.Text(body.ToJsonString(), "application/json");
    }

    /// <summary>An ID token as Entra issues it for the app (aud = client id), with the given nonce and claims.</summary>
    public string CreateIdToken(string nonce, IDictionary<string, object> claims)
    {
        var all = new Dictionary<string, object>
        {
            ["tid"] = TenantId,
            ["ver"] = "2.0",
            ["nonce"] = nonce,
            ["sub"] = "sub-" + (claims.TryGetValue("oid", out var oid) ? oid : Guid.NewGuid()),
        };
        foreach (var (type, value) in claims)
        {
            all[type] = value;
        }
        return Mint(ClientId, all);
    }

    /// <summary>An app-only access token for the app's API, as Entra issues it to a pipeline's service principal.</summary>
    public string CreateAppToken(string appId, string servicePrincipalObjectId, string[] roles, string? appDisplayName = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["tid"] = TenantId,
            ["ver"] = "2.0",
            ["azp"] = appId,
            ["azpacr"] = "1",
            ["oid"] = servicePrincipalObjectId,
            ["sub"] = servicePrincipalObjectId,
            ["idtyp"] = "app",
            ["roles"] = roles,
        };
        if (appDisplayName is not null)
        {
            claims["app_displayname"] = appDisplayName;
        }
        // v2.0 access tokens name the API by its client id.
        return Mint(ClientId, claims);
    }

    /// <summary>A person's delegated access token for the app's API (it carries scp).</summary>
    public string CreateUserAccessToken(string userObjectId, string[] roles) => Mint(ClientId, new Dictionary<string, object>
    {
        ["tid"] = TenantId,
        ["ver"] = "2.0",
        ["azp"] = "11111111-2222-3333-4444-555555555555",
        ["oid"] = userObjectId,
        ["sub"] = "sub-" + userObjectId,
        ["scp"] = "access_as_user",
        ["roles"] = roles,
        ["preferred_username"] = "someone@contoso.test",
        ["name"] = "Some One",
    });

    private string Mint(string audience, IDictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _rsa.Dispose();
    }
}
