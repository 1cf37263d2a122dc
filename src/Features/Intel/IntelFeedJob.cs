using Hangfire;
using K8Posture.Data;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Intel;

/// <summary>
/// The daily fetch of the KEV and EPSS feeds from <see cref="IntelOptions"/> URLs (each skipped while its URL is empty),
/// loaded exactly as a push of the same file would be; and the hourly re-score.
/// </summary>
public sealed class IntelFeedJob(IServiceScopeFactory scopes, IHttpClientFactory httpClients, IOptions<IntelOptions> options, ILogger<IntelFeedJob> logger)
{
    public const string FetchRecurringId = "intel-feeds";
    public const string RescoreRecurringId = "intel-rescore";
    public const string Actor = "job:intel-feeds";
    public const string HttpClientName = "intel-feeds";

    [DisableConcurrentExecution(timeoutInSeconds: 1800)]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [300, 900, 3600])]
    public async Task<IReadOnlyList<IntelLoadOutcome>> FetchAsync(CancellationToken cancellationToken)
    {
        var loaded = new List<IntelLoadOutcome>();
        var settings = options.Value;
        foreach (var (url, kind) in new[] { (settings.KevUrl, IntelFeedKind.Kev), (settings.EpssUrl, IntelFeedKind.Epss) })
        {
            if (string.IsNullOrWhiteSpace(url))
            {
                continue;
            }
            var payload = await DownloadAsync(url, settings.MaxFeedBytes, cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
            var loader = scope.ServiceProvider.GetRequiredService<IntelFeedLoader>();
            var outcome = kind == IntelFeedKind.Kev
                ? await loader.LoadKevAsync(payload, cancellationToken)
                : await loader.LoadEpssAsync(payload, cancellationToken);
            logger.LogInformation("Loaded {Feed} {Version} ({Rows} rows) from {Host}: {Findings} findings with intel, in {Ms} ms",
                outcome.Feed, outcome.Version, outcome.Rows, new Uri(url).Host, outcome.FindingsWithIntel, outcome.DurationMs);
            loaded.Add(outcome);
        }
        return loaded;
    }

    [DisableConcurrentExecution(timeoutInSeconds: 1800)]
    public async Task<RescoreOutcome> RescoreAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(Actor);
        return await scope.ServiceProvider.GetRequiredService<IntelFeedLoader>().RescoreAsync(cancellationToken);
    }

    private async Task<ReadOnlyMemory<byte>> DownloadAsync(string url, int maxBytes, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidOperationException($"The feed at {new Uri(url).Host} is larger than Intel:MaxFeedBytes ({maxBytes} bytes).");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
