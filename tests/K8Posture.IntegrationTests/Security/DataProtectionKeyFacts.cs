using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.IntegrationTests.Security;

/// <summary>The Data Protection key ring in the database is encrypted with a certificate outside Development.</summary>
public sealed class DataProtectionKeyFacts
{
    private static async Task<List<string>> StoredKeysAsync(K8PostureAppFactory app)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Xml FROM DataProtectionKeys";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_certificate()
    {
        await using var app = ProductionApp.Create(withCertificate: false);
        var error = Assert.ThrowsAny<Exception>(() => app.ServerAddress);
        Assert.Contains(ProductionApp.Messages(error), m => m.Contains("DataProtection:Certificate:Path", StringComparison.Ordinal)
            && m.Contains("DataProtection:AllowUnprotectedKeys", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_still_work()
    {
        await using var app = ProductionApp.Create();
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests");
        var secret = protector.Protect("kubeconfig of prod-aks-weu");

        var keys = await StoredKeysAsync(app);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("encryptedSecret", xml);
            Assert.Contains("X509Data", xml);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.DoesNotContain("unencrypted", xml);
        });
        // A new key ring reader (cache cleared by a fresh provider over the same database) decrypts with the certificate.
        Assert.Equal("kubeconfig of prod-aks-weu", protector.Unprotect(secret));
    }

    [Fact]
    public async Task A_wrong_certificate_password_stops_the_start_without_echoing_it()
    {
        await using var app = ProductionApp.Create(b => b.UseSetting("DataProtection:Certificate:Password", "not-the-password-123"));
        var error = Assert.ThrowsAny<Exception>(() => app.ServerAddress);
        var messages = ProductionApp.Messages(error);
        Assert.Contains(messages, m => m.Contains("DataProtection:Certificate", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("not-the-password-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_explicit_opt_out_starts_with_plain_keys()
    {
        await using var app = ProductionApp.Create(b => b.UseSetting("DataProtection:AllowUnprotectedKeys", "true"), withCertificate: false);
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("x");
        Assert.Contains(await StoredKeysAsync(app), xml => xml.Contains("<masterKey", StringComparison.Ordinal));
    }
}
