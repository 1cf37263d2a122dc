using System.Globalization;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;

namespace K8Posture.Features.Demo;

/// <summary>
/// The named people the demo's history is made by. Each act runs in its own DI scope bound to that person, exactly as a
/// request or circuit would be, so audit events, finding events and versions name the person who did it — and the
/// four-eyes rules see two different people where the story has two.
/// </summary>
public static class DemoPersonas
{
    public static ClaimsPrincipal Person(string name, string role, int? teamId = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.NameIdentifier, "demo:" + name), new(ClaimTypes.Role, role) };
        if (teamId is { } team)
        {
            claims.Add(new Claim(K8PostureClaims.Team, team.ToString(CultureInfo.InvariantCulture)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "demo", ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Runs <paramref name="act"/> with <typeparamref name="TService"/> from a scope bound to <paramref name="person"/>.</summary>
    public static async Task<TResult> ActAsync<TService, TResult>(IServiceProvider services, ClaimsPrincipal person, Func<TService, ClaimsPrincipal, Task<TResult>> act)
        where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetUser(person);
        return await act(scope.ServiceProvider.GetRequiredService<TService>(), person);
    }

    public static Task ActAsync<TService>(IServiceProvider services, ClaimsPrincipal person, Func<TService, ClaimsPrincipal, Task> act)
        where TService : notnull =>
        ActAsync<TService, bool>(services, person, async (service, me) =>
        {
            await act(service, me);
            return true;
        });

    /// <summary>Runs a job the way Hangfire does: in a scope of its own, so it names itself and nobody else.</summary>
    public static async Task RunJobAsync<TJob>(IServiceProvider services, Func<TJob, Task> run)
        where TJob : notnull
    {
        await using var scope = services.CreateAsyncScope();
        await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }
}
