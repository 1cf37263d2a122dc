using K8Posture.Security;

namespace K8Posture.UnitTests.Security;

public sealed class ApiKeySecretsFacts
{
    [Fact]
    public void New_secrets_are_long_random_and_prefixed()
    {
        var secrets = Enumerable.Range(0, 200).Select(_ => ApiKeySecrets.NewSecret()).ToList();
        Assert.All(secrets, s =>
        {
            Assert.StartsWith("k8p_", s);
            Assert.Equal(47, s.Length);
            Assert.True(s[4..].All(char.IsAsciiLetterOrDigit));
        });
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void The_hash_is_hex_sha_256_and_the_display_prefix_hides_the_secret()
    {
        const string secret = "k8p_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("k8p_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"u8)), ApiKeySecrets.Hash(secret));
        Assert.Equal("k8p_abcdefgh", ApiKeySecrets.DisplayPrefix(secret));
        Assert.NotEqual(ApiKeySecrets.Hash(secret), ApiKeySecrets.Hash(secret + "x"));
    }
}
