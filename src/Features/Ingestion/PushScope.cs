using K8Posture.Data;
using K8Posture.Features.Ingestion.Recovery;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// The start every push shares (scans, alerts, inventory, and their recovery): a non-empty body, then a DI scope of its
/// own whose <see cref="DataScope"/> is the system acting as the caller — a push checks the caller's teams itself and
/// writes across them — and one database context from that scope.
/// </summary>
public sealed class PushScope : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;

    private PushScope(AsyncServiceScope scope, K8PostureDbContext db)
    {
        _scope = scope;
        Db = db;
    }

    /// <summary>The push's services (its <see cref="DataScope"/> set to the system as the caller).</summary>
    public IServiceProvider Services => _scope.ServiceProvider;

    public K8PostureDbContext Db { get; }

    /// <summary>Refuses an empty body, naming what the body should have held ("the scanner's report").</summary>
    public static void RequirePayload(ReadOnlyMemory<byte> payload, string what)
    {
        if (payload.IsEmpty)
        {
            throw new IngestRejectedException("Empty payload", $"The request body is empty; send {what} as the body.");
        }
    }

    public static async Task<PushScope> OpenAsync(IServiceScopeFactory scopes, PushCaller caller, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(caller.Actor);
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
            return new PushScope(scope, await contexts.CreateDbContextAsync(cancellationToken));
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        await _scope.DisposeAsync();
    }
}
