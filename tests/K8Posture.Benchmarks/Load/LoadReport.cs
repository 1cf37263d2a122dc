using System.Text.Json;

namespace K8Posture.Benchmarks;

/// <summary>What one load run measured; printed as JSON by the <c>load</c> verb and checked by the smoke test.</summary>
internal sealed record LoadReport(
    LoadSetup Setup,
    IReadOnlyDictionary<string, Timing> MeasuredSession,
    ServerPageTime ServerPageTime,
    TimedWork Push,
    TimedWork Collection,
    ServerMemory Memory,
    SessionActivity Sessions,
    ErrorCounts Errors,
    IReadOnlyList<SlowCommand> SlowestCommands)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>The run's shape, and the machine's load average (1 min) when it started and ended (2 cores shared with others here).</summary>
internal sealed record LoadSetup(int Findings, int BackgroundSessions, int Seconds, int ThinkMilliseconds, int ProcessorCount, double LoadAverageAtStart, double LoadAverageAtEnd, double WindowSeconds);

/// <summary>Milliseconds from a navigation to the page's content, in the browser (or on the server for <see cref="ServerPageTime"/>).</summary>
internal sealed record Timing(int Count, double P50Ms, double P95Ms, double MaxMs, int Timeouts = 0)
{
    public static Timing Of(IReadOnlyCollection<double> milliseconds, int timeouts = 0)
    {
        if (milliseconds.Count == 0)
        {
            return new Timing(0, 0, 0, 0, timeouts);
        }
        var sorted = milliseconds.Order().ToArray();
        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
        return new Timing(sorted.Length, Math.Round(Percentile(0.50), 1), Math.Round(Percentile(0.95), 1), Math.Round(sorted[^1], 1), timeouts);
    }
}

/// <summary><c>k8posture.page.data_time</c> over every session (background and measured) during the window, all pages and per route.</summary>
internal sealed record ServerPageTime(Timing All, IReadOnlyDictionary<string, Timing> ByRoute);

/// <summary>A push or a collection: seconds alone (no sessions open) and while the sessions run, and what it wrote.</summary>
internal sealed record TimedWork(int Size, double SecondsAlone, double SecondsUnderLoad, double Ratio, string OutcomeAlone, string OutcomeUnderLoad);

/// <summary>
/// The server process's working set: after a full collection with no circuit open (after one warm-up session) and with every
/// session's circuit open; the difference per open circuit; the peak sampled every 20 ms while the sessions ran.
/// </summary>
internal sealed record ServerMemory(double BaselineWorkingSetMb, double WithCircuitsWorkingSetMb, long CircuitsOpen, double PerCircuitMb, double PerCircuitManagedHeapMb, double PeakWorkingSetMb);

/// <summary>
/// Background sessions and how far they got: full cycles (landscape → findings → cluster → queue, each page's content shown)
/// and page views. The window lasts <see cref="LoadSetup.Seconds"/>, and longer until the push and the collection are done
/// and every session has cycled once (at most 3 × seconds + 60 s).
/// </summary>
internal sealed record SessionActivity(int Background, int MinCycles, int TotalCycles, int PageViews, int NavigationTimeouts, int SessionErrors);

/// <summary>Circuit connections dropped while the sessions ran, answers with a 5xx status, log entries with an exception (or Error and above).</summary>
internal sealed record ErrorCounts(int CircuitDisconnects, int ServerErrors5xx, int ExceptionsLogged, IReadOnlyList<string> FirstProblems);
