using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8Posture.UnitTests.App;

public sealed class ScaleOutFacts
{
    private static WebApplicationBuilder Builder(string? signalR)
    {
        var builder = WebApplication.CreateBuilder();
        if (signalR is not null)
        {
            builder.Configuration[ScaleOut.AzureSignalRConnectionString] = signalR;
        }
        return builder.AddAzureSignalRWhenConfigured();
    }

    [Fact]
    public void Without_a_connection_string_the_circuits_stay_in_the_app()
    {
        var builder = Builder(null);
        Assert.DoesNotContain(builder.Services, d => d.ServiceType.Namespace?.StartsWith("Microsoft.Azure.SignalR", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void With_a_connection_string_Azure_SignalR_carries_the_circuits_and_keeps_each_on_its_instance()
    {
        var builder = Builder("Endpoint=https://k8posture-test.service.signalr.net;AccessKey=dGVzdC1vbmx5LW5vdC1hLWtleQ==;Version=1.0;");
        Assert.Contains(builder.Services, d => d.ServiceType.Namespace?.StartsWith("Microsoft.Azure.SignalR", StringComparison.Ordinal) == true);
        using var provider = builder.Services.BuildServiceProvider();
        Assert.Equal(ServerStickyMode.Required, provider.GetRequiredService<IOptions<ServiceOptions>>().Value.ServerStickyMode);
    }
}
