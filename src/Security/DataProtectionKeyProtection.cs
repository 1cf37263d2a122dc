using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace K8Posture.Security;

/// <summary>One certificate: a PKCS#12 file (Path + Password), a PEM pair (Path + KeyPath), or a thumbprint in a certificate store.</summary>
public sealed class CertificateSource
{
    public string? Path { get; set; }
    public string? Password { get; set; }
    public string? KeyPath { get; set; }
    public string? Thumbprint { get; set; }
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Path) || !string.IsNullOrWhiteSpace(Thumbprint);
}

/// <summary>The <c>DataProtection</c> section.</summary>
public sealed class DataProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>Encrypts new keys of the key ring (and decrypts them).</summary>
    public CertificateSource Certificate { get; set; } = new();

    /// <summary>Certificates that protected keys before a rotation: they only decrypt.</summary>
    public List<CertificateSource> PreviousCertificates { get; set; } = [];

    /// <summary>Outside Development the app refuses to start without a certificate unless this is true.</summary>
    public bool AllowUnprotectedKeys { get; set; }
}

/// <summary>
/// The Data Protection key ring lives in the database (DataRegistration) next to what it protects: cluster credentials,
/// notification secrets, sign-in cookies. Stored as plain XML, a database read is enough to decrypt all of them; so
/// outside Development every key is encrypted at rest with a certificate the database never holds.
/// </summary>
public static class DataProtectionKeyProtection
{
    internal static void AddDataProtectionKeyProtection(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new();
        if (!settings.Certificate.IsConfigured)
        {
            if (!builder.Environment.IsDevelopment() && !settings.AllowUnprotectedKeys)
            {
                throw new InvalidOperationException(
                    "The Data Protection keys (which decrypt cluster credentials, notification secrets and sign-in cookies) would be stored unencrypted beside the data they protect. "
                    + "Configure a certificate with a private key: DataProtection:Certificate:Path (PKCS#12 file) and DataProtection:Certificate:Password, "
                    + "or DataProtection:Certificate:Path and :KeyPath (PEM, e.g. a Kubernetes TLS secret), or DataProtection:Certificate:Thumbprint (certificate store). "
                    + "To run without (not recommended) set DataProtection:AllowUnprotectedKeys=true.");
            }
            return;
        }

        var certificate = Load(settings.Certificate, "DataProtection:Certificate");
        var dataProtection = builder.Services.AddDataProtection().ProtectKeysWithCertificate(certificate);
        var previous = settings.PreviousCertificates.Where(c => c.IsConfigured)
            .Select((c, i) => Load(c, $"DataProtection:PreviousCertificates:{i}"))
            .ToArray();
        if (previous.Length > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate([certificate, .. previous]);
        }
    }

    internal static X509Certificate2 Load(CertificateSource source, string setting)
    {
        X509Certificate2 certificate;
        if (!string.IsNullOrWhiteSpace(source.Thumbprint))
        {
            var thumbprint = source.Thumbprint.Replace(" ", "", StringComparison.Ordinal).Trim();
            using var store = new X509Store(StoreName.My, source.StoreLocation);
            store.Open(OpenFlags.ReadOnly);
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            certificate = found.Count > 0
                ? found[0]
                : throw new InvalidOperationException($"{setting}:Thumbprint: no certificate {thumbprint} in the {source.StoreLocation}/My store.");
        }
        else
        {
            var path = source.Path!;
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{setting}:Path: the file '{path}' does not exist.");
            }
            try
            {
                certificate = !string.IsNullOrWhiteSpace(source.KeyPath)
                    ? X509Certificate2.CreateFromPemFile(path, source.KeyPath)
                    : X509CertificateLoader.LoadPkcs12FromFile(path, source.Password);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                // The password never appears in the message.
                throw new InvalidOperationException($"{setting}: '{path}' could not be read as a certificate with its private key ({e.Message}). Check the file and {setting}:Password or :KeyPath.", e);
            }
        }
        using var rsa = certificate.HasPrivateKey ? certificate.GetRSAPrivateKey() : null;
        if (rsa is null)
        {
            throw new InvalidOperationException($"{setting}: the certificate {certificate.Thumbprint} has no RSA private key; Data Protection needs one to decrypt its keys.");
        }
        return certificate;
    }
}
