using System.Collections.Concurrent;
using System.Net;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.UnitTests.Security;

/// <summary>Every IHttpClientFactory client, whenever registered, logs one line by origin and status, never its path or query.</summary>
public sealed class OutboundHttpLoggingFacts
{
    private const string SecretUrl = "https://hooks.example.com/services/T0SECRET/B0SECRET/tokenSECRET?sig=querySECRET";

    private sealed class Recorder : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Line(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Line(Recorder recorder, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                recorder.Lines.Enqueue($"scope {category}: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                recorder.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }

    private sealed class Answer(HttpStatusCode status, Exception? failure = null) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            failure is not null ? Task.FromException<HttpResponseMessage>(failure) : Task.FromResult(new HttpResponseMessage(status));
    }

    public sealed class TypedClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    private static (ServiceProvider Services, Recorder Logs) Build(Action<IServiceCollection> register)
    {
        var logs = new Recorder();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddRedactedOutboundHttpLogging();
        register(services);
        return (services.BuildServiceProvider(), logs);
    }

    [Fact]
    public async Task Named_typed_and_unnamed_clients_log_the_origin_and_status_and_never_the_path_or_query()
    {
        var (services, logs) = Build(s =>
        {
            s.AddHttpClient("webhooks").ConfigurePrimaryHttpMessageHandler(() => new Answer(HttpStatusCode.OK));
            s.AddHttpClient<TypedClient>().ConfigurePrimaryHttpMessageHandler(() => new Answer(HttpStatusCode.Accepted));
            s.AddHttpClient(Microsoft.Extensions.Options.Options.DefaultName).ConfigurePrimaryHttpMessageHandler(() => new Answer(HttpStatusCode.NotFound));
        });
        await using (services)
        {
            var factory = services.GetRequiredService<IHttpClientFactory>();
            await factory.CreateClient("webhooks").PostAsync(SecretUrl, new StringContent("{}"));
            await services.GetRequiredService<TypedClient>().Http.GetAsync(SecretUrl);
            await factory.CreateClient().GetAsync(SecretUrl);
        }

        var lines = logs.Lines.ToList();
        Assert.DoesNotContain(lines, l => l.Contains("SECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.Contains($"Information {OutboundHttpLogging.Category}: HTTP POST https://hooks.example.com:443 answered 200", lines.Select(Head));
        Assert.Contains($"Information {OutboundHttpLogging.Category}: HTTP GET https://hooks.example.com:443 answered 202", lines.Select(Head));
        Assert.Contains($"Information {OutboundHttpLogging.Category}: HTTP GET https://hooks.example.com:443 answered 404", lines.Select(Head));
    }

    [Fact]
    public async Task A_failed_call_logs_a_warning_with_the_origin_and_the_error_and_a_url_in_the_message_is_redacted()
    {
        var failure = new HttpRequestException($"Something went wrong calling {SecretUrl} (hooks.example.com:443)");
        var (services, logs) = Build(s => s.AddHttpClient("broken").ConfigurePrimaryHttpMessageHandler(() => new Answer(HttpStatusCode.OK, failure)));
        await using (services)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<IHttpClientFactory>().CreateClient("broken").PostAsync(SecretUrl, null));
        }

        var warning = Assert.Single(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.Contains("HTTP POST https://hooks.example.com:443 failed after", warning, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException: Something went wrong calling https://hooks.example.com:443 (hooks.example.com:443)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRET", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://user:pa55@hooks.example.com/services/T/B/x?sig=1#frag", "https://hooks.example.com:443")]
    [InlineData("http://127.0.0.1:8088/services/collector/event", "http://127.0.0.1:8088")]
    [InlineData("https://graph.microsoft.com/v1.0/users/1/transitiveMemberOf", "https://graph.microsoft.com:443")]
    public void The_origin_is_scheme_host_and_port_only(string url, string origin) =>
        Assert.Equal(origin, OutboundHttpLogging.Origin(new Uri(url)));

    private static string Head(string line) => line.Split(" in ", 2)[0];
}
