using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>The real app in Entra ID mode against <see cref="FakeEntraId"/> (which also stands in for Microsoft Graph).</summary>
public sealed class EntraAppFixture : IAsyncLifetime
{
    public FakeEntraId Entra { get; } = new();
    public CollectedLogs Logs { get; } = new();
    public K8PostureAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Entra.StartAsync();
        App = CreateApp(Entra, Logs, withClientSecret: true);
        _ = App.ServerAddress;
    }

    /// <param name="withClientSecret">Whether the app registration has a credential, i.e. whether Graph can be called.</param>
    public static K8PostureAppFactory CreateApp(FakeEntraId entra, CollectedLogs logs, bool withClientSecret) => new(seedDemo: false, builder =>
    {
        builder.UseSetting("Auth:Mode", "EntraId");
        builder.UseSetting("AzureAd:Instance", entra.Instance);
        builder.UseSetting("AzureAd:TenantId", entra.TenantId);
        builder.UseSetting("AzureAd:ClientId", FakeEntraId.ClientId);
        builder.UseSetting("AzureAd:ClientSecret", withClientSecret ? FakeEntraId.ClientSecret : "");
        builder.UseSetting("AzureAd:RequireHttpsMetadata", "false");
        builder.UseSetting("Graph:BaseUrl", entra.GraphBaseUrl);
        builder.ConfigureLogging(logging => logging.AddProvider(logs));
    });

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Entra.DisposeAsync();
    }
}
