using System.Net.Http.Headers;
using K8Posture.Data;
using K8Posture.Features.Admin;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// The real app on Kestrel (loopback, dynamic port) over a real SQLite file in a temp folder, Development environment,
/// local auth, no demo data, in-memory Hangfire without a server. Share one per test class (IClassFixture) and keep
/// tests independent by giving each its own scope, team and cluster names.
/// </summary>
public sealed class K8PostureAppFactory : WebApplicationFactory<Program>
{
    private readonly bool _seedDemo;
    private readonly Action<IWebHostBuilder>? _configure;

    public K8PostureAppFactory() : this(seedDemo: false)
    {
    }

    /// <param name="seedDemo">Build the demo landscape at start, as a newcomer's first run does.</param>
    /// <param name="configure">Settings that differ from the defaults below (environment, auth mode…).</param>
    internal K8PostureAppFactory(bool seedDemo, Action<IWebHostBuilder>? configure = null)
    {
        _seedDemo = seedDemo;
        _configure = configure;
        Directory.CreateDirectory(DataDirectory);
        UseKestrel(0);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "k8posture-tests-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DataDirectory, "k8posture.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting (not ConfigureAppConfiguration) because Program reads these before Build().
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:K8Posture", $"Data Source={DatabasePath}");
        builder.UseSetting("Auth:Mode", "Local");
        builder.UseSetting("Demo:Seed", _seedDemo ? "true" : "false");
        builder.UseSetting("Hangfire:Storage", "InMemory");
        builder.UseSetting("Hangfire:Server", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        _configure?.Invoke(builder);
    }

    /// <summary>Where Kestrel listens (loopback, the port it picked).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                ?? throw new InvalidOperationException("The server exposes no addresses; is it Kestrel?");
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    /// <summary>A plain HTTP client of the Kestrel server (redirects are not followed), with a pipeline key when given.</summary>
    public HttpClient CreateApiClient(string? apiKey = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = ServerAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>Runs <paramref name="work"/> in a DI scope acting as the system (sees every team).</summary>
    public async Task<T> AsSystemAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        StartServer();
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:tests");
        return await work(scope.ServiceProvider);
    }

    /// <summary>Runs <paramref name="work"/> (a job) in a DI scope of its own that nobody has bound, as Hangfire activates a job.</summary>
    public async Task<T> AsJobAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        StartServer();
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<T> WithDbAsync<T>(Func<K8PostureDbContext, Task<T>> work) => AsSystemAsync(async services =>
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        return await work(db);
    });

    /// <summary>Creates a pipeline key through the real service; returns the secret.</summary>
    public Task<string> CreateApiKeyAsync(string scopes, int? teamId = null, string? name = null) => AsSystemAsync(async services =>
    {
        var created = await services.GetRequiredService<ApiKeyService>()
            .CreateAsync(name ?? "test-" + Guid.NewGuid().ToString("N")[..8], ApiKeyService.ParseScopes(scopes), teamId, CancellationToken.None);
        return created.Secret;
    });

    public Task<int> SeedTeamAsync(string name) => WithDbAsync(async db =>
    {
        var team = new Team { Name = name };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    });

    /// <summary>A managed cluster with namespaces and their owner teams.</summary>
    public Task<int> SeedClusterAsync(string name, params (string Namespace, int? OwnerTeamId)[] namespaces) => WithDbAsync(async db =>
    {
        var cluster = new Cluster { Name = name, Provider = ClusterProvider.Aks, CreatedAt = DateTimeOffset.UtcNow };
        cluster.Namespaces.AddRange(namespaces.Select(n => new ClusterNamespace { Name = n.Namespace, OwnerTeamId = n.OwnerTeamId }));
        db.Clusters.Add(cluster);
        await db.SaveChangesAsync();
        return cluster.Id;
    });

    /// <summary>Reads the SQLite file directly, bypassing the app's scoping, to see what was really written.</summary>
    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        StartServer();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
