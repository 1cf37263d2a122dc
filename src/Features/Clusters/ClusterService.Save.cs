using System.Globalization;
using Hangfire;
using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Clusters;

/// <summary>Registering and editing a cluster: validation, the stored connection, the audit event and its refresh schedule.</summary>
public sealed partial class ClusterService
{
    public async Task<ClusterSaveResult> SaveAsync(RegisterClusterRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Clusters are shared by the teams whose namespaces they run; a team-bound caller must not reshape one.
        SecurityTeamOnly.Require(db.Scope, "Registering or changing a cluster");
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            Error("name", "The cluster name is required.");
        }
        else if (name.Length > 200 || !ClusterName().IsMatch(name))
        {
            Error("name", "Use up to 200 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.");
        }
        ClusterProvider? provider = null;
        if (!string.IsNullOrWhiteSpace(request.Provider))
        {
            if (Enum.TryParse<ClusterProvider>(request.Provider.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                provider = parsed;
            }
            else
            {
                Error("provider", "Use one of: " + string.Join(", ", Enum.GetNames<ClusterProvider>()) + ".");
            }
        }
        var interval = request.RefreshIntervalMinutes;
        if (interval is not null && (interval < MinIntervalMinutes || interval > MaxIntervalMinutes))
        {
            Error("refreshIntervalMinutes", $"Use {MinIntervalMinutes} to {MaxIntervalMinutes} minutes.");
        }

        ClusterConnectionSecret? secret = null;
        string? serverUrl = null;
        string? context = null;
        var hasKubeconfig = !string.IsNullOrWhiteSpace(request.Kubeconfig);
        var hasToken = !string.IsNullOrWhiteSpace(request.Token);
        if (hasKubeconfig && (hasToken || !string.IsNullOrWhiteSpace(request.ServerUrl)))
        {
            Error("kubeconfig", "Give either a kubeconfig or a server URL with a token, not both.");
        }
        else if (hasKubeconfig)
        {
            try
            {
                var contextsInConfig = ClusterConnections.ReadContexts(request.Kubeconfig!);
                var wanted = string.IsNullOrWhiteSpace(request.Context) ? null : request.Context.Trim();
                var chosen = wanted is null ? contextsInConfig.FirstOrDefault(c => c.IsCurrent) ?? (contextsInConfig.Count == 1 ? contextsInConfig[0] : null)
                    : contextsInConfig.FirstOrDefault(c => c.Name == wanted);
                if (chosen is null)
                {
                    Error("context", wanted is null
                        ? "The kubeconfig has no current-context; choose one of: " + string.Join(", ", contextsInConfig.Select(c => c.Name))
                        : $"Context '{wanted}' is not in the kubeconfig; choose one of: " + string.Join(", ", contextsInConfig.Select(c => c.Name)));
                }
                else
                {
                    context = chosen.Name;
                    serverUrl = chosen.Server;
                    secret = new ClusterConnectionSecret(request.Kubeconfig, null, null);
                }
            }
            catch (ClusterConnectionException ex)
            {
                Error("kubeconfig", ex.Message);
            }
        }
        else if (hasToken || !string.IsNullOrWhiteSpace(request.ServerUrl))
        {
            serverUrl = request.ServerUrl?.Trim();
            if (string.IsNullOrEmpty(serverUrl) || !Uri.TryCreate(serverUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                Error("serverUrl", "Give the API server URL, e.g. https://my-cluster.example.com:6443.");
            }
            if (!hasToken)
            {
                Error("token", "Give a bearer token (e.g. of a read-only service account) with the server URL.");
            }
            if (!string.IsNullOrWhiteSpace(request.CaCertificate))
            {
                try
                {
                    ClusterConnections.ParseCertificates(request.CaCertificate);
                }
                catch (ClusterConnectionException ex)
                {
                    Error("caCertificate", ex.Message);
                }
            }
            secret = new ClusterConnectionSecret(null, request.Token?.Trim(), string.IsNullOrWhiteSpace(request.CaCertificate) ? null : request.CaCertificate.Trim());
        }

        int? ownerTeamId = null;
        if (!string.IsNullOrWhiteSpace(request.OwnerTeam))
        {
            var teamName = request.OwnerTeam.Trim();
            ownerTeamId = await db.Teams.AsNoTracking().Where(t => t.Name == teamName).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken);
            if (ownerTeamId is null)
            {
                Error("ownerTeam", $"Team '{teamName}' does not exist; use the exact name of a registered team.");
            }
        }
        Cluster? cluster = null;
        if (name is not null && errors.Count == 0)
        {
            cluster = await db.Clusters.IgnoreQueryFilters().FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
            if (secret is null && cluster?.ConnectionSecretProtected is null)
            {
                Error("kubeconfig", "Give a kubeconfig, or a server URL and a token, to connect to the cluster.");
            }
        }
        if (errors.Count > 0)
        {
            return new ClusterSaveResult(null, false, errors);
        }

        var created = cluster is null;
        var before = cluster is null ? null : AuditView(cluster);
        cluster ??= new Cluster { Name = name!, CreatedAt = clock.GetUtcNow() };
        cluster.IsManaged = true;
        if (secret is not null)
        {
            cluster.ConnectionSecretProtected = connections.Protect(secret);
            cluster.ServerUrl = serverUrl;
            cluster.KubeconfigContext = context;
        }
        cluster.Provider = provider ?? cluster.Provider;
        cluster.Environment = Trim(request.Environment, 50) ?? cluster.Environment;
        cluster.Region = Trim(request.Region, 100) ?? cluster.Region;
        cluster.OwnerTeamId = ownerTeamId ?? cluster.OwnerTeamId;
        cluster.RefreshIntervalMinutes = interval ?? cluster.RefreshIntervalMinutes;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (created)
        {
            db.Clusters.Add(cluster);
        }
        await db.SaveChangesAsync(cancellationToken);
        var after = AuditView(cluster) with { ConnectionSecret = secret is null ? before?.ConnectionSecret : "[redacted: replaced]" };
        audit.Record(db, created ? "cluster.register" : "cluster.update", nameof(Cluster), cluster.Id.ToString(CultureInfo.InvariantCulture), before, after);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        recurringJobs.AddOrUpdate<ClusterCollectionJob>(RecurringId(cluster.Id), job => job.RunAsync(cluster.Id, CancellationToken.None), CronFor(cluster.RefreshIntervalMinutes));
        var namespaces = await db.Namespaces.CountAsync(n => n.ClusterId == cluster.Id, cancellationToken);
        return new ClusterSaveResult(ToDto(cluster, namespaces, await TeamNamesAsync(db, cancellationToken), clock.GetUtcNow()), created, null);
    }
}
