using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>Principals as the sign-in and key handlers build them, for calling services directly as someone.</summary>
public static class Callers
{
    public static ClaimsPrincipal Person(string role, int? teamId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "someone-" + role), new(ClaimTypes.Role, role) };
        if (teamId is not null)
        {
            claims.Add(new Claim(K8PostureClaims.Team, teamId.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
    }

    public static ClaimsPrincipal Key(string scope, int? teamId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "key-" + scope), new(K8PostureClaims.ApiKeyId, "4242"), new(K8PostureClaims.Scope, scope) };
        if (teamId is not null)
        {
            claims.Add(new Claim(K8PostureClaims.Team, teamId.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Runs <paramref name="work"/> with a service resolved in a DI scope bound to <paramref name="user"/>, as a request or circuit would be.</summary>
    public static Task<T> AsCallerAsync<TService, T>(this K8PostureAppFactory app, ClaimsPrincipal user, Func<TService, Task<T>> work)
        where TService : notnull =>
        app.AsUserAsync(user, services => work(services.GetRequiredService<TService>()));

    /// <summary>Runs <paramref name="work"/> in a DI scope bound to <paramref name="user"/>, as a request or circuit would be.</summary>
    public static async Task<T> AsUserAsync<T>(this K8PostureAppFactory app, ClaimsPrincipal user, Func<IServiceProvider, Task<T>> work)
    {
        _ = app.ServerAddress;
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(user);
        return await work(scope.ServiceProvider);
    }
}
