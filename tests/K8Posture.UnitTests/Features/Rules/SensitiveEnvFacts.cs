namespace K8Posture.UnitTests.Features.Rules;

/// <summary>K8P-SEC-001 against the names and values of Polaris's sensitiveContainerEnvVar, beyond Polaris's own fixtures.</summary>
public sealed class SensitiveEnvFacts
{
    private static string Pod(string env) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: api
          namespace: shop
        spec:
          containers:
          - name: api
            image: contoso.azurecr.io/api:1.0
            env:
            {env}
        """;

    [Theory]
    [InlineData("- {name: DB_PASSWORD, value: hunter2}", true)]
    [InlineData("- {name: API_KEY, value: abc}", true)]
    [InlineData("- {name: GITHUB_TOKEN, value: ghp_x}", true)]
    [InlineData("- {name: AUTH_BEARER, value: x}", true)]
    [InlineData("- {name: AZURE_STORAGEKEY, value: x}", true)]
    [InlineData("- {name: OCI_CLI_KEY_CONTENT, value: x}", true)]
    [InlineData("- {name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/run/key.json}", true)]
    [InlineData("- {name: TLS_MATERIAL, value: \"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\"}", true)]
    [InlineData("- {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}", false)]
    [InlineData("- {name: LOG_LEVEL, value: debug}", false)]
    [InlineData("- {name: PUBLIC_CERT, value: \"-----BEGIN CERTIFICATE-----\"}", false)]
    public void A_literal_secret_name_or_private_key_value_is_reported(string env, bool reported)
    {
        var result = RuleTesting.EvaluateYaml(Pod(env));

        Assert.Equal(reported, result.Findings.Any(f => f.RuleId == "K8P-SEC-001"));
    }
}
