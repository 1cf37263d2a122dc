using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;

namespace K8Posture.Security;

/// <summary>A person's Entra group object ids, or why they could not be had (<see cref="GroupsUnresolvedReasons"/>).</summary>
public sealed record EntraGroupLookup(IReadOnlyList<string> GroupIds, string? UnresolvedReason)
{
    public bool Resolved => UnresolvedReason is null;
}

/// <summary>Lists the groups of a person whose token had too many to carry (groups overage).</summary>
public interface IEntraGroupResolver
{
    Task<EntraGroupLookup> GetGroupsAsync(string userObjectId, CancellationToken cancellationToken);
}

/// <summary>
/// Asks Microsoft Graph for the person's groups, direct and nested
/// (<c>GET /users/{oid}/transitiveMemberOf/microsoft.graph.group?$select=id</c>, every page), with K8Posture's
/// own app-only token (application permission GroupMember.Read.All). The answer is cached per person for five
/// minutes, a failure for one minute, so a sign-in costs Graph one look-up and a broken Graph one warning a minute.
/// </summary>
internal sealed class GraphEntraGroupResolver(
    IGraphAppTokenSource tokens,
    IOptions<GraphOptions> options,
    IMemoryCache cache,
    ILogger<GraphEntraGroupResolver> logger) : IEntraGroupResolver, IDisposable
{
    public static readonly TimeSpan ResolvedLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan UnresolvedLifetime = TimeSpan.FromMinutes(1);

    private readonly Lazy<HttpClient> _http = new(() => GraphClientFactory.Create());

    public static string CacheKey(string userObjectId) => "entra-groups:" + userObjectId.ToLowerInvariant();

    public async Task<EntraGroupLookup> GetGroupsAsync(string userObjectId, CancellationToken cancellationToken)
    {
        var key = CacheKey(userObjectId);
        // Every request of a page (and its static assets) authenticates; concurrent ones share one look-up.
        var lookup = cache.GetOrCreate(key, entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ResolvedLifetime;
            return new Lazy<Task<EntraGroupLookup>>(() => LookUpAsync(key, userObjectId));
        })!;
        return await lookup.Value.WaitAsync(cancellationToken);
    }

    private async Task<EntraGroupLookup> LookUpAsync(string key, string userObjectId)
    {
        EntraGroupLookup result;
        if (!tokens.IsConfigured)
        {
            logger.LogWarning(
                "The Entra ID token of user {UserObjectId} has more groups than fit in it (groups overage), and Microsoft Graph access is not configured "
                + "(AzureAd needs a client secret or certificate, and the app registration the GroupMember.Read.All application permission). "
                + "The user is given no team until then.", userObjectId);
            result = new EntraGroupLookup([], GroupsUnresolvedReasons.GraphNotConfigured);
        }
        else
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)));
                var groups = await ListGroupsAsync(userObjectId, timeout.Token);
                logger.LogInformation("Resolved {GroupCount} Entra groups of user {UserObjectId} through Microsoft Graph (groups overage).", groups.Count, userObjectId);
                return new EntraGroupLookup(groups, null);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Only the kind and message: never a token or a secret, which no Graph or MSAL message carries anyway.
                logger.LogWarning(
                    "Could not list the Entra groups of user {UserObjectId} in Microsoft Graph (groups overage): {ErrorKind}: {ErrorMessage}. "
                    + "The user is given no team until a look-up succeeds; retrying in a minute.",
                    userObjectId, exception.GetType().Name, Describe(exception));
                result = new EntraGroupLookup([], GroupsUnresolvedReasons.GraphFailed);
            }
        }
        cache.Set(key, new Lazy<Task<EntraGroupLookup>>(Task.FromResult(result)), UnresolvedLifetime);
        return result;
    }

    private async Task<IReadOnlyList<string>> ListGroupsAsync(string userObjectId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baseUrl = settings.BaseUrl.TrimEnd('/');
        var authentication = new BaseBearerTokenAuthenticationProvider(new AppTokenProvider(tokens, settings.Scope, new Uri(baseUrl).Host));
        var graph = new GraphServiceClient(_http.Value, authentication, baseUrl);

        var groups = new List<string>();
        var page = await graph.Users[userObjectId].TransitiveMemberOf.GraphGroup.GetAsync(request =>
        {
            request.QueryParameters.Select = ["id"];
            request.QueryParameters.Top = 999;
        }, cancellationToken);
        var pages = 0;
        while (page is not null)
        {
            groups.AddRange(page.Value?.Select(g => g.Id).OfType<string>() ?? []);
            if (string.IsNullOrEmpty(page.OdataNextLink))
            {
                break;
            }
            if (++pages > 1000)
            {
                throw new InvalidOperationException("Microsoft Graph kept answering with another page (more than 1000).");
            }
            page = await graph.Users[userObjectId].TransitiveMemberOf.GraphGroup.WithUrl(page.OdataNextLink).GetAsync(cancellationToken: cancellationToken);
        }
        return groups.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Describe(Exception exception) => exception switch
    {
        Microsoft.Graph.Models.ODataErrors.ODataError odata => $"{odata.ResponseStatusCode} {odata.Error?.Code} {odata.Error?.Message}".Trim(),
        _ => exception.Message,
    };

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>Hands Graph requests the app token, and only requests to the configured Graph host.</summary>
    private sealed class AppTokenProvider(IGraphAppTokenSource tokens, string scope, string graphHost) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([graphHost]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            AllowedHostsValidator.IsUrlHostValid(uri) ? tokens.GetAccessTokenAsync(scope, cancellationToken) : Task.FromResult(string.Empty);
    }
}
