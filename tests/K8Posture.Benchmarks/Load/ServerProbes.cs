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
/// (or at Error and above), circuits whose connection dropped while the run counted them, and the database commands
/// that took longest (EF's "Executed DbCommand" log), which is where a slow page or push spends its time.
/// </summary>
internal sealed class ServerProbes : ILoggerProvider
{
    private int _serverErrors;
    private int _exceptions;
    private int _disconnects;
    private volatile bool _countDisconnects;
    private volatile bool _timeCommands;
    private readonly ConcurrentDictionary<string, CommandTotals> _commands = new(StringComparer.Ordinal);

    /// <summary>How much of a command's start and end the report shows.</summary>
    private const int CommandKeyLength = 200;

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public int Exceptions => Volatile.Read(ref _exceptions);

    public int Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>The first few logged problems, to say what went wrong.</summary>
    public ConcurrentQueue<string> FirstProblems { get; } = new();

    /// <summary>Only while the sessions run: closing the browsers at the end drops every connection, which is no fault.</summary>
    public void CountDisconnects(bool on) => _countDisconnects = on;

    /// <summary>Only while the sessions run, like the disconnects.</summary>
    public void TimeCommands(bool on) => _timeCommands = on;

    /// <summary>The command shapes that took the most time in all while timed, slowest first.</summary>
    public IReadOnlyList<SlowCommand> SlowestCommands(int count) =>
        _commands.Select(c => new SlowCommand(c.Value.Shown, c.Value.Count, Math.Round(c.Value.TotalMs / 1000, 1), c.Value.MaxMs))
            .OrderByDescending(c => c.TotalSeconds).Take(count).ToList();

    private sealed class CommandTotals
    {
        public required string Shown { get; init; }
        public int Count;
        public double TotalMs;
        public int MaxMs;
    }

    private void Command(string text, int elapsedMs)
    {
        // Grouped by the whole text (parameters differ, the shape does not); shown by its start and its end, where the
        // filter and the order are.
        var key = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var totals = _commands.GetOrAdd(key, k => new CommandTotals
        {
            Shown = k.Length > 2 * CommandKeyLength ? k[..CommandKeyLength] + " … " + k[^CommandKeyLength..] : k,
        });
        lock (totals)
        {
            totals.Count++;
            totals.TotalMs += elapsedMs;
            totals.MaxMs = Math.Max(totals.MaxMs, elapsedMs);
        }
    }

    /// <summary>Installs the probes in the app: this logger alone (nothing on the console), the status counter first in the pipeline, the circuit handler.</summary>
    public void Install(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(this);
            logging.AddFilter(CommandCategory, LogLevel.Information);
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

    private const string CommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";

    /// <summary>EF Core's RelationalEventId.CommandExecuted.</summary>
    private const int CommandExecutedEventId = 20101;

    private sealed class CountingLogger(ServerProbes probes, string category) : ILogger
    {
        private readonly bool _isCommandLog = category == CommandCategory;

        // EF writes the milliseconds formatted ("1,234").
        private static int? ElapsedMs(object? value) => value switch
        {
            int ms => ms,
            string text when int.TryParse(text, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture, out var ms) => ms,
            _ => null,
        };

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || (_isCommandLog && probes._timeCommands);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (_isCommandLog && eventId.Id == CommandExecutedEventId && exception is null)
            {
                if (probes._timeCommands && state is IReadOnlyList<KeyValuePair<string, object?>> values
                    && ElapsedMs(values.FirstOrDefault(v => v.Key == "elapsed").Value) is { } ms
                    && values.FirstOrDefault(v => v.Key == "commandText").Value is string text)
                {
                    probes.Command(text, ms);
                }
                return;
            }
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

/// <summary>One command shape: how often it ran while the sessions did, the seconds it took in all and its slowest run.</summary>
internal sealed record SlowCommand(string Sql, int Count, double TotalSeconds, int MaxMs);
