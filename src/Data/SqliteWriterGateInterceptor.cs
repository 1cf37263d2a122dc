using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.Data;

/// <summary>
/// Puts every <c>SaveChanges</c> outside an explicit transaction behind the process's <see cref="SqliteWriterGate"/>, as
/// pushes, collections and the cell swap already are. Without it such a save (a collection's namespace upsert, a person's
/// assignment) waited for a long push at SQLite's level and failed with "database is locked" after the busy timeout
/// (seen in the load run: a 10,000-pod collection's namespaces behind a 100,000-finding push under load). A save inside an
/// explicit transaction is left alone: that transaction already holds the file's lock, and waiting for the gate then
/// could wait for a writer that waits for it.
/// </summary>
internal sealed class SqliteWriterGateInterceptor : SaveChangesInterceptor
{
    // The gate each context took for its save in flight, released when that save ends however it ends.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, SemaphoreSlim> _held = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (GateFor(eventData.Context) is { } gate)
        {
            gate.Wait();
            _held.AddOrUpdate(eventData.Context!, gate);
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (GateFor(eventData.Context) is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
            _held.AddOrUpdate(eventData.Context!, gate);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    private static SemaphoreSlim? GateFor(DbContext? context) =>
        context is K8PostureDbContext db && db.Database.CurrentTransaction is null ? SqliteWriterGate.For(db) : null;

    private void Release(DbContext? context)
    {
        if (context is not null && _held.TryGetValue(context, out var gate))
        {
            _held.Remove(context);
            gate.Release();
        }
    }
}
