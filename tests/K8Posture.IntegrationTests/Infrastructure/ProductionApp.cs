using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// The real app in the Production environment: Entra ID sign-in (never contacted unless a test signs in), the database
/// migrated at start, and the Data Protection key ring protected with a throw-away certificate (PKCS#12 with a password).
/// </summary>
public static class ProductionApp
{
    public const string CertificatePassword = "test-only-pfx-password";

    public static K8PostureAppFactory Create(Action<IWebHostBuilder>? configure = null, bool withCertificate = true) => new(seedDemo: false, builder =>
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Auth:Mode", "EntraId");
        builder.UseSetting("AzureAd:TenantId", "00000000-0000-0000-0000-0000000000a1");
        builder.UseSetting("AzureAd:ClientId", "00000000-0000-0000-0000-0000000000a2");
        builder.UseSetting("Database:MigrateAtStart", "true");
        if (withCertificate)
        {
            builder.UseSetting("DataProtection:Certificate:Path", WriteCertificate(Path.Combine(Path.GetTempPath(), "k8p-dp-" + Guid.NewGuid().ToString("N") + ".pfx")));
            builder.UseSetting("DataProtection:Certificate:Password", CertificatePassword);
        }
        configure?.Invoke(builder);
    });

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected PKCS#12 file.</summary>
    public static string WriteCertificate(string path, string password = CertificatePassword)
    {
        using var certificate = NewCertificate();
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    public static X509Certificate2 NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=K8Posture Data Protection (tests)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A request as the TLS-terminating ingress forwards it: https, the public host name.</summary>
    public static HttpRequestMessage ViaIngress(HttpMethod method, string path, string host = "k8posture.contoso.test")
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }

    /// <summary>The messages of an exception and all its inner exceptions.</summary>
    public static IReadOnlyList<string> Messages(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        return messages;
    }
}
