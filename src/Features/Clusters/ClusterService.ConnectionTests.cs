using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>Testing a connection, entered or stored, without writing anything.</summary>
public sealed partial class ClusterService
{
    /// <summary>Tests a connection that is being entered (nothing stored).</summary>
    public static async Task<ConnectionTestResult> TestAsync(ClusterConnectionSecret secret, string? serverUrl, string? context, CancellationToken cancellationToken)
    {
        try
        {
            var config = ClusterConnections.BuildConfiguration(secret, serverUrl, context);
            var version = await ClusterConnections.GetVersionAsync(config, TimeSpan.FromSeconds(10), cancellationToken);
            return new ConnectionTestResult(true, version, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return new ConnectionTestResult(false, null, ClusterConnections.Describe(ex, secret));
        }
    }

    /// <summary>Tests the stored connection of a registered cluster.</summary>
    public async Task<ConnectionTestResult?> TestStoredAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SecurityTeamOnly.Require(db.Scope, "Testing a cluster's connection");
        var cluster = await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (cluster is null)
        {
            return null;
        }
        if (cluster.ConnectionSecretProtected is null)
        {
            return new ConnectionTestResult(false, null, "No connection is registered for this cluster.");
        }
        ClusterConnectionSecret secret;
        try
        {
            secret = connections.Unprotect(cluster.ConnectionSecretProtected);
        }
        catch (ClusterConnectionException ex)
        {
            return new ConnectionTestResult(false, null, ex.Message);
        }
        return await TestAsync(secret, cluster.ServerUrl, cluster.KubeconfigContext, cancellationToken);
    }
}
