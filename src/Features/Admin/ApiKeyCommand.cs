using K8Posture.Data;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Admin;

/// <summary><c>api-key create --name NAME [--team TEAM] --scopes ingest,evaluate,read,admin</c>: prints only the new key.</summary>
public static class ApiKeyCommand
{
    public static async Task<int> CreateAsync(IServiceProvider services, string[] args)
    {
        string? name = null, team = null, scopes = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--name": name = value; i++; break;
                case "--team": team = value; i++; break;
                case "--scopes": scopes = value; i++; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("--name is required.");
        if (string.IsNullOrWhiteSpace(scopes)) throw new ArgumentException("--scopes is required (ingest,evaluate,read,admin).");

        var parsedScopes = ApiKeyService.ParseScopes(scopes);
        ApiKeyService.EnsureScopesFitTeam(parsedScopes, teamBound: team is not null);

        await DataRegistration.MigrateAsync(services);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("cli:api-key");
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        int? teamId = null;
        if (team is not null)
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
            teamId = await db.Teams.Where(t => t.Name == team).Select(t => (int?)t.Id).SingleOrDefaultAsync()
                ?? throw new ArgumentException($"Team '{team}' does not exist.");
        }
        var created = await keys.CreateAsync(name, parsedScopes, teamId, CancellationToken.None);
        Console.Out.WriteLine(created.Secret);
        return 0;
    }
}
