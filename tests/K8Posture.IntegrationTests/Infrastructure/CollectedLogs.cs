using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>Every log line the app writes (level, category, formatted message), for tests that check what is logged and what never is.</summary>
public sealed class CollectedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    /// <summary>Every log scope opened (category, its state rendered with its values): a JSON console with IncludeScopes prints them on each line.</summary>
    public ConcurrentQueue<(string Category, string State)> Scopes { get; } = new();

    /// <summary>Everything collected, entries and scopes, one per line.</summary>
    public string AllText() => string.Join("\n", Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}").Concat(Scopes.Select(s => $"scope {s.Category}: {s.State}")));

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(CollectedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            var rendered = state.ToString() ?? "";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                rendered += " " + string.Join(", ", values.Select(v => v.Key + "=" + v.Value));
            }
            logs.Scopes.Enqueue((category, rendered));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception)));
    }
}
