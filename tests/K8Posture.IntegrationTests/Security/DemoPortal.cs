using System.Globalization;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Security;

/// <summary>Who calls in the access matrix: a column of the table.</summary>
public sealed record MatrixCaller(string Column, string? Role = null, string? Scope = null, bool TeamBound = false);

/// <summary>An endpoint as the app's <see cref="EndpointDataSource"/> lists it: its methods (or <c>*</c>) and route pattern.</summary>
public sealed record PortalEndpoint(string Key, string Method, string Pattern, Endpoint Endpoint);

/// <summary>
/// The demo-seeded app the access matrix walks (seeding takes most of a minute), with an HTTP client per caller of the
/// matrix and the demo ids that fill route parameters.
/// </summary>
public sealed class DemoPortal() : Portal(seedDemo: true);

/// <summary>
/// An app that tests walking every endpoint share: an HTTP client per caller of the access matrix, and the ids that fill
/// route parameters ({team}, {finding}…; 999999 where the data has none, which the endpoints answer with 404).
/// </summary>
public class Portal(bool seedDemo) : IAsyncLifetime
{
    public K8PostureAppFactory App { get; } = new(seedDemo);

    /// <summary>The team whose member and team-bound keys the matrix signs in as.</summary>
    public const string HomeTeam = "Payments";

    public IReadOnlyDictionary<string, HttpClient> Clients => _clients;

    /// <summary>Values for the <c>{token}</c>s of the matrix's sample paths.</summary>
    public IReadOnlyDictionary<string, string> Samples => _samples;

    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, string> _samples = [];

    /// <summary>Data a portal without the demo needs before the clients sign in (the home team at least).</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await SeedAsync();
        var team = (int)await App.ScalarAsync("SELECT Id FROM Teams WHERE Name = $n", ("$n", HomeTeam));
        foreach (var caller in AccessMatrix.Callers)
        {
            _clients[caller.Column] = caller switch
            {
                { Role: { } role } => await App.SignedInClientAsync(role, role == Roles.AppTeamMember ? team : null),
                { Scope: { } scope } => App.CreateApiClient(await App.CreateApiKeyAsync(scope, caller.TeamBound ? team : null, "matrix-" + caller.Column.Replace(' ', '-'))),
                _ => App.CreateApiClient(),
            };
        }

        async Task Sample(string token, string sql)
        {
            var value = await App.ScalarAsync(sql, ("$team", team));
            _samples[token] = value.ToString(CultureInfo.InvariantCulture);
        }
        await Sample("finding", "SELECT COALESCE(MIN(Id), 999999) FROM Findings WHERE OwnerTeamId = $team");
        await Sample("alert", "SELECT COALESCE(MIN(Id), 999999) FROM RuntimeAlerts WHERE OwnerTeamId = $team");
        await Sample("batch", "SELECT COALESCE(MIN(Id), 999999) FROM IngestBatches");
        await Sample("risk-acceptance", "SELECT COALESCE(MIN(Id), 999999) FROM RiskAcceptances WHERE OwnerTeamId = $team");
        await Sample("assessment", "SELECT COALESCE(MIN(Id), 999999) FROM TenancyAssessments WHERE OwnerTeamId = $team");
        _samples["team"] = HomeTeam;
        _samples["cluster"] = await App.WithDbAsync(db => Task.FromResult(db.Namespaces.Where(n => n.OwnerTeamId == team).Select(n => n.Cluster!.Name).FirstOrDefault() ?? "no-such-cluster"));
        _samples["application"] = await App.WithDbAsync(db => Task.FromResult(db.Set<K8Posture.Features.Organisation.Application>().Where(a => a.TeamId == team).Select(a => a.Name).FirstOrDefault() ?? "no-such-application"));
        _samples["business-unit"] = await App.WithDbAsync(db => Task.FromResult(db.Teams.Where(t => t.Id == team).Select(t => t.BusinessUnit!.Name).FirstOrDefault() ?? "no-such-unit"));
    }

    /// <summary>Every endpoint the app maps, except the static web assets (public files, one endpoint per file).</summary>
    public IReadOnlyList<PortalEndpoint> Endpoints()
    {
        var source = App.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Select(e =>
            {
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
                var pattern = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
                var listed = methods.Count == 0 ? "*" : string.Join(",", methods.Where(m => m != HttpMethods.Head));
                var method = methods.Count == 0 || methods.Contains(HttpMethods.Get) ? HttpMethods.Get : methods[0];
                return new PortalEndpoint($"{listed} {pattern}", method, pattern, e);
            })
            .ToList();
    }

    /// <summary>A sample path with its <c>{token}</c>s filled from the demo data.</summary>
    public string Fill(string samplePath) =>
        _samples.Aggregate(samplePath, (path, sample) => path.Replace("{" + sample.Key + "}", Uri.EscapeDataString(sample.Value), StringComparison.Ordinal));

    public virtual Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        App.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DemoPortalCollection : ICollectionFixture<DemoPortal>
{
    public const string Name = "Demo portal";
}
