using K8Posture.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8Posture.UnitTests.Security;

public sealed class EntraConfigurationFacts
{
    private const string LocalProvider = "http://127.0.0.1:5999/";

    private static ServiceProvider Services(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "EntraId",
            ["AzureAd:Instance"] = LocalProvider,
            ["AzureAd:TenantId"] = "tenant-1",
            ["AzureAd:ClientId"] = "client-1",
            ["AzureAd:RequireHttpsMetadata"] = "false",
            // These facts are about Entra ID; outside Development the key ring would otherwise need a certificate.
            ["DataProtection:AllowUnprotectedKeys"] = "true",
        });
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        builder.AddK8PostureSecurity();
        return builder.Services.BuildServiceProvider();
    }

    private static OpenIdConnectOptions Oidc(ServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);

    private static JwtBearerOptions Bearer(ServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

    [Fact]
    public void In_development_require_https_metadata_false_lets_a_local_provider_in_and_keeps_identity_webs_flow()
    {
        using var services = Services("Development", ("AzureAd:ClientSecret", "s"));
        var oidc = Oidc(services);
        Assert.False(oidc.RequireHttpsMetadata);
        Assert.True(oidc.SaveTokens);
        Assert.Equal("id_token", oidc.ResponseType);
        Assert.Equal("form_post", oidc.ResponseMode);
        // Identity.Web's Entra issuer validator reads metadata over https only; an http provider is held to its authority exactly.
        Assert.Equal("http://127.0.0.1:5999/tenant-1/v2.0", oidc.TokenValidationParameters.ValidIssuer);
        Assert.Null(oidc.TokenValidationParameters.IssuerValidator);
        Assert.False(Bearer(services).RequireHttpsMetadata);
        Assert.IsType<LoopbackClientCredentialsTokenSource>(services.GetRequiredService<IGraphAppTokenSource>());
    }

    [Fact]
    public void Outside_development_the_setting_is_ignored_and_an_http_authority_is_refused()
    {
        using var services = Services("Production");
        var oidc = Assert.Throws<InvalidOperationException>(() => Oidc(services));
        Assert.Contains("HTTPS", oidc.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Bearer(services));
    }

    [Fact]
    public void The_rule_itself_per_environment()
    {
        var off = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RequireHttpsMetadata"] = "false" }).Build();
        var unset = new ConfigurationBuilder().Build();
        Assert.False(EntraConfiguration.RequireHttpsMetadata(off, new Environment("Development")));
        Assert.True(EntraConfiguration.RequireHttpsMetadata(off, new Environment("Production")));
        Assert.True(EntraConfiguration.RequireHttpsMetadata(off, new Environment("Staging")));
        Assert.True(EntraConfiguration.RequireHttpsMetadata(unset, new Environment("Development")));
    }

    [Fact]
    public void Valid_issuer_overrides_the_expected_issuer_of_both_handlers()
    {
        using var services = Services("Production", ("AzureAd:Instance", "https://login.microsoftonline.com/"), ("AzureAd:ValidIssuer", "https://issuer.contoso.test/tenant-1/v2.0"));
        foreach (var parameters in new[] { Oidc(services).TokenValidationParameters, Bearer(services).TokenValidationParameters })
        {
            Assert.Equal("https://issuer.contoso.test/tenant-1/v2.0", parameters.ValidIssuer);
            Assert.Null(parameters.IssuerValidator);
        }
        Assert.True(Oidc(services).RequireHttpsMetadata);
    }

    [Fact]
    public void Without_valid_issuer_identity_webs_entra_issuer_validation_stays()
    {
        using var services = Services("Production", ("AzureAd:Instance", "https://login.microsoftonline.com/"));
        Assert.NotNull(Oidc(services).TokenValidationParameters.IssuerValidator);
        Assert.NotNull(Bearer(services).TokenValidationParameters.IssuerValidator);
        Assert.False(services.GetRequiredService<IGraphAppTokenSource>().IsConfigured);
    }

    [Fact]
    public void A_client_secret_outside_development_uses_identity_webs_token_acquisition()
    {
        using var services = Services("Production", ("AzureAd:Instance", "https://login.microsoftonline.com/"), ("AzureAd:ClientSecret", "s"));
        Assert.IsType<IdentityWebGraphAppTokenSource>(services.GetRequiredService<IGraphAppTokenSource>());
    }

    private sealed class Environment(string name) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "K8Posture";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
