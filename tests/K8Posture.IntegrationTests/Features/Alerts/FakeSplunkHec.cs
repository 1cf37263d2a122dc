using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8Posture.IntegrationTests.Features.Alerts;

/// <summary>A Splunk HTTP Event Collector stand-in on loopback: records each request and answers with scripted status codes.</summary>
public sealed class FakeSplunkHec : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly Task _loop;

    public sealed record Received(string Path, string? Authorization, string ContentType, string Body);

    public FakeSplunkHec()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Status codes for the next requests, in order; afterwards <see cref="DefaultStatus"/>.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public int DefaultStatus { get; set; } = 200;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new Received(context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], context.Request.ContentType ?? "", body));
            var status = _statuses.TryDequeue(out var scripted) ? scripted : DefaultStatus;
            context.Response.StatusCode = status;
            var answer = Encoding.UTF8.GetBytes(status == 200 ? "{\"text\":\"Success\",\"code\":0}" : "{\"text\":\"Server is busy\",\"code\":9}");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending accept.
        }
    }
}
