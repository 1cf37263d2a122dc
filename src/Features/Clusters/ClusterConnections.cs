using static K8Posture.Shared.ColumnLengths;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using Microsoft.AspNetCore.DataProtection;

namespace K8Posture.Features.Clusters;

/// <summary>What <see cref="Data.Cluster.ConnectionSecretProtected"/> holds once decrypted: a kubeconfig, or a bearer token and CA.</summary>
public sealed record ClusterConnectionSecret(string? Kubeconfig, string? Token, string? CaCertificatePem);

/// <summary>A context of a pasted kubeconfig, for the context picker.</summary>
public sealed record KubeconfigContextInfo(string Name, string? Server, bool IsCurrent);

/// <summary>A connection that cannot be used; the message is safe to show (it never contains the secret).</summary>
public sealed class ClusterConnectionException(string message) : Exception(message);

/// <summary>
/// Encrypts connection secrets (Data Protection, keys in the database) and turns them into KubernetesClient configurations.
/// Kubeconfigs that would run a program (exec, auth-provider) or read files on this server are refused.
/// </summary>
public sealed class ClusterConnections(IDataProtectionProvider dataProtection)
{
    public const string Purpose = "K8Posture.ClusterConnection.v1";

    /// <summary>Per-call timeout for test connection and for every list call of a collection.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public string Protect(ClusterConnectionSecret secret) => _protector.Protect(JsonSerializer.Serialize(secret));

    public ClusterConnectionSecret Unprotect(string protectedSecret)
    {
        try
        {
            return JsonSerializer.Deserialize<ClusterConnectionSecret>(_protector.Unprotect(protectedSecret))
                ?? throw new ClusterConnectionException("The stored connection secret is empty; register the cluster's connection again.");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new ClusterConnectionException("The stored connection secret cannot be decrypted (Data Protection keys changed); register the cluster's connection again.");
        }
    }

    /// <summary>The contexts of a kubeconfig, checked for what K8Posture refuses to run.</summary>
    public static IReadOnlyList<KubeconfigContextInfo> ReadContexts(string kubeconfig)
    {
        k8s.KubeConfigModels.K8SConfiguration config;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
            config = KubernetesClientConfiguration.LoadKubeConfig(stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ClusterConnectionException("The kubeconfig is not valid YAML: " + Clip(FirstLine(ex.Message), 200));
        }
        foreach (var user in config.Users ?? [])
        {
            var credentials = user.UserCredentials;
            if (credentials is null)
            {
                continue;
            }
            if (credentials.ExternalExecution is not null || credentials.AuthProvider is not null)
            {
                throw new ClusterConnectionException($"User '{user.Name}' uses exec or auth-provider credentials, which would run a program on the K8Posture server; use a service account token or client certificate data instead.");
            }
            if (!string.IsNullOrEmpty(credentials.ClientCertificate) || !string.IsNullOrEmpty(credentials.ClientKey))
            {
                throw new ClusterConnectionException($"User '{user.Name}' references certificate files; embed them (client-certificate-data, client-key-data).");
            }
        }
        foreach (var cluster in config.Clusters ?? [])
        {
            if (!string.IsNullOrEmpty(cluster.ClusterEndpoint?.CertificateAuthority))
            {
                throw new ClusterConnectionException($"Cluster '{cluster.Name}' references a CA file; embed it (certificate-authority-data).");
            }
        }
        var contexts = (config.Contexts ?? [])
            .Select(c => new KubeconfigContextInfo(c.Name,
                config.Clusters?.FirstOrDefault(k => k.Name == c.ContextDetails?.Cluster)?.ClusterEndpoint?.Server,
                c.Name == config.CurrentContext))
            .ToList();
        if (contexts.Count == 0)
        {
            throw new ClusterConnectionException("The kubeconfig has no contexts.");
        }
        return contexts;
    }

    public static KubernetesClientConfiguration BuildConfiguration(ClusterConnectionSecret secret, string? serverUrl, string? context)
    {
        KubernetesClientConfiguration config;
        if (!string.IsNullOrWhiteSpace(secret.Kubeconfig))
        {
            ReadContexts(secret.Kubeconfig);
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(secret.Kubeconfig));
            try
            {
                config = KubernetesClientConfiguration.BuildConfigFromConfigFile(stream, string.IsNullOrWhiteSpace(context) ? null : context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new ClusterConnectionException("The kubeconfig cannot be used: " + Clip(FirstLine(ex.Message), 200));
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(serverUrl) || string.IsNullOrWhiteSpace(secret.Token))
            {
                throw new ClusterConnectionException("The connection needs a kubeconfig, or a server URL and a token.");
            }
            config = new KubernetesClientConfiguration { Host = serverUrl, AccessToken = secret.Token };
            if (!string.IsNullOrWhiteSpace(secret.CaCertificatePem))
            {
                config.SslCaCerts = ParseCertificates(secret.CaCertificatePem);
            }
        }
        config.HttpClientTimeout = CallTimeout;
        config.UserAgent = "K8Posture";
        return config;
    }

    public static X509Certificate2Collection ParseCertificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ClusterConnectionException("The CA certificate is not a valid PEM certificate.");
        }
        if (collection.Count == 0)
        {
            throw new ClusterConnectionException("The CA certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
        return collection;
    }

    /// <summary>Calls /version with a short timeout; returns the server's gitVersion.</summary>
    public static async Task<string> GetVersionAsync(KubernetesClientConfiguration config, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new Kubernetes(config);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var version = await client.Version.GetCodeAsync(cts.Token);
        return version.GitVersion ?? "unknown";
    }

    /// <summary>A short, secret-free description of a failed call.</summary>
    public static string Describe(Exception ex, ClusterConnectionSecret? secret = null)
    {
        var message = ex switch
        {
            ClusterConnectionException c => c.Message,
            k8s.Autorest.HttpOperationException h => $"The API server answered {(int)h.Response.StatusCode} {h.Response.StatusCode}" + (h.Request?.RequestUri is { } uri ? $" to {uri.AbsolutePath}" : ""),
            OperationCanceledException or TimeoutException => "The API server did not answer in time.",
            HttpRequestException h => "The API server cannot be reached: " + FirstLine(h.Message),
            _ => ex.GetType().Name + ": " + FirstLine(ex.Message),
        };
        if (secret?.Token is { Length: > 0 } token)
        {
            message = message.Replace(token, "[redacted]", StringComparison.Ordinal);
        }
        return Clip(message, 900);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
