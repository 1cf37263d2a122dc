namespace K8Posture;

/// <summary>
/// <c>healthcheck</c>: asks this container's own <c>/healthz</c> and exits 0 when it answers 200. The runtime image has no
/// curl or wget, and starting the whole host to answer a probe every 30 s would cost more than the probe.
/// </summary>
public static class HealthProbe
{
    public const string Verb = "healthcheck";

    public static async Task<int> RunAsync()
    {
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {ex.Message}");
            return 1;
        }
    }
}
