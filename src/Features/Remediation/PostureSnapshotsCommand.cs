using System.Globalization;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>
/// <c>dotnet run -- snapshots rebuild [--days N]</c>: rewrites the trend snapshots of the last N days before today (90 by
/// default) from finding history with the current definitions. For installations whose snapshots were written under an
/// earlier definition of a figure, so their trends do not step where the definition changed.
/// </summary>
public static class PostureSnapshotsCommand
{
    public const string Usage = "snapshots rebuild [--days N]";

    public static async Task<int> RebuildAsync(IServiceProvider services, string[] args, TextWriter error)
    {
        var days = PostureSnapshots.BackfillDays;
        if (args.Length > 0)
        {
            if (args.Length != 2 || args[0] != "--days" || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 400)
            {
                throw new ArgumentException("usage: " + Usage + " (N between 1 and 400)");
            }
        }
        await DataRegistration.MigrateAsync(services);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("cli:snapshots-rebuild");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        var today = DateOnly.FromDateTime(scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        var rows = await PostureSnapshots.BackfillAsync(db, today.AddDays(-days), today.AddDays(-1), replace: true, CancellationToken.None);
        error.WriteLine($"Rebuilt {days} days of trend snapshots from finding history ({rows} rows).");
        return 0;
    }
}
