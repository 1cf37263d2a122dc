using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.Benchmarks;

/// <summary>
/// What the load run counts inside the app under test: answers with a 5xx status, log entries carrying an exception
/// (or at Error and above), and circuits whose connection dropped while the run counted them.
/// </summary>
internal sealed class ServerProbes : ILoggerProvider
{
    private int _serverErrors;
    private int _exceptions;
    private int _disconnects;
    private volatile bool _countDisconnects;

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public int Exceptions => Volatile.Read(ref _exceptions);

    public int Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>The first few logged problems, to say what went wrong.</summary>
    public ConcurrentQueue<string> FirstProblems { get; } = new();

    /// <summary>Only while the sessions run: closing the browsers at the end drops every connection, which is no fault.</summary>
    public void CountDisconnects(bool on) => _countDisconnects = on;

    /// <summary>Installs the probes in the app: this logger alone (nothing on the console), the status counter first in the pipeline, the circuit handler.</summary>
    public void Install(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(this);
        });
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter>(new StatusCounter(this));
            services.AddScoped<CircuitHandler>(_ => new DisconnectCounter(this));
        });
    }

    public ILogger CreateLogger(string categoryName) => new CountingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Problem(string text)
    {
        if (FirstProblems.Count < 5)
        {
            FirstProblems.Enqueue(text.Length > 2400 ? text[..2400] : text);
        }
    }

    private sealed class CountingLogger(ServerProbes probes, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is null && logLevel < LogLevel.Error)
            {
                return;
            }
            Interlocked.Increment(ref probes._exceptions);
            // The innermost exception says what failed (a LocationChangeException only says that a navigation did).
            var cause = exception?.GetBaseException();
            var causeText = cause is null || ReferenceEquals(cause, exception)
                ? ""
                : $" ← {cause.GetType().Name}: {cause.Message} at {string.Join(" / ", (cause.StackTrace ?? "").Split('\n').Take(8).Select(l => l.Trim()))}";
            probes.Problem($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}{causeText}");
        }
    }

    private sealed class StatusCounter(ServerProbes probes) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                try
                {
                    await nextMiddleware(context);
                }
                catch
                {
                    Interlocked.Increment(ref probes._serverErrors);
                    throw;
                }
                if (context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
                {
                    Interlocked.Increment(ref probes._serverErrors);
                    probes.Problem($"{context.Response.StatusCode} {context.Request.Method} {context.Request.Path}");
                }
            });
            next(app);
        };
    }

    private sealed class DisconnectCounter(ServerProbes probes) : CircuitHandler
    {
        public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            if (probes._countDisconnects)
            {
                Interlocked.Increment(ref probes._disconnects);
                probes.Problem("circuit connection down: " + circuit.Id);
            }
            return Task.CompletedTask;
        }
    }
}
