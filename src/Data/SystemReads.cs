using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public static class SystemReads
{
    /// <summary>
    /// Reads as the system in a DI scope of its own: for code whose own scope acts for someone else (an anonymous sign-in
    /// request, a claims transformation), which must not re-label that scope.
    /// </summary>
    public static async Task<T> ReadAsSystemAsync<T>(this IServiceScopeFactory scopes, string actor, Func<K8PostureDbContext, Task<T>> read, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(actor);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
        return await read(db);
    }
}
