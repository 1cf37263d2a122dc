using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Landscape;
using K8Posture.Security;
using Bunit.TestDoubles;
using K8Posture.Shared;
using K8Posture.Shared.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using K8Posture.Features.Alerts;

namespace K8Posture.ComponentTests;

/// <summary>
/// A bUnit context wired like a circuit of the portal: MudBlazor, a real SQLite database (in memory, kept open),
/// the data scope bound to the signed-in test user, and the feature services.
/// </summary>
public sealed class TestPortal : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly DbContextOptions<SqliteK8PostureDbContext> _options;

    public TestPortal()
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        _options = new DbContextOptionsBuilder<SqliteK8PostureDbContext>().UseSqlite(_connection).FailOnUnorderedRowLimits().Options;
        using (var db = CreateSystemContext())
        {
            db.Database.EnsureCreated();
        }

        Context = new BunitContext();
        Context.Services.AddMudServices();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddLogging();
        Context.Services.AddSingleton(Scope);
        Context.Services.AddSingleton<IDbContextFactory<K8PostureDbContext>>(new ScopedContextFactory(_options, Scope));
        Context.Services.AddSingleton<LandscapeChangeNotifier>();
        Context.Services.AddK8PostureMetrics();
        Context.Services.AddLandscape();
        Context.Services.AddScoped<ILandscapeSignalSource, AlertsLandscapeSignals>();
        Context.Services.AddFindings();
        Context.Services.AddScoped<K8Posture.Features.Tickets.TicketPlanner>();
        Authorization = Context.AddAuthorization();
    }

    public BunitContext Context { get; }

    public BunitAuthorizationContext Authorization { get; }

    public DataScope Scope { get; } = new();

    /// <summary>Signs in a person with a role (and teams), as the circuit handler would bind them.</summary>
    public void SignIn(string name, string role, params int[] teamIds)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetRoles(role);
        var teamClaims = teamIds.Select(id => new Claim(K8PostureClaims.Team, id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Authorization.SetClaims(teamClaims);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), .. teamClaims],
            authenticationType: "test");
        Scope.SetUser(new ClaimsPrincipal(identity));
    }

    public SqliteK8PostureDbContext CreateSystemContext()
    {
        var scope = new DataScope();
        scope.SetSystem("test");
        return new SqliteK8PostureDbContext(_options, scope);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private sealed class ScopedContextFactory(DbContextOptions<SqliteK8PostureDbContext> options, DataScope scope) : IDbContextFactory<K8PostureDbContext>
    {
        public K8PostureDbContext CreateDbContext() => new SqliteK8PostureDbContext(options, scope);
    }
}
