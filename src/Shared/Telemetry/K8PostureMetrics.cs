using System.Diagnostics.Metrics;

namespace K8Posture.Shared.Telemetry;

/// <summary>
/// The app's own instruments, on the meter <c>K8Posture</c>: what a person waits for (a page's data reaching the browser),
/// how many circuits the server holds, what a push and a job cost. One instance per app, from <see cref="IMeterFactory"/>,
/// so tests (and two apps in one process) see only their own measurements.
/// </summary>
public sealed class K8PostureMetrics
{
    public const string MeterName = "K8Posture";

    private readonly Histogram<double> _pageDataSeconds;
    private readonly UpDownCounter<long> _circuitsOpen;
    private readonly Histogram<double> _ingestParseSeconds;
    private readonly Histogram<double> _ingestStoreSeconds;
    private readonly Histogram<long> _ingestRows;
    private readonly Histogram<double> _jobSeconds;

    public K8PostureMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _pageDataSeconds = Meter.CreateHistogram<double>("k8posture.page.data_time", "s",
            "Server time from the start of a page view in a circuit to the render batch that carries the page's data.");
        _circuitsOpen = Meter.CreateUpDownCounter<long>("k8posture.circuits.open", "{circuit}", "Blazor circuits the server holds.");
        _ingestParseSeconds = Meter.CreateHistogram<double>("k8posture.ingest.parse.duration", "s", "Time to read and parse a pushed report.");
        _ingestStoreSeconds = Meter.CreateHistogram<double>("k8posture.ingest.store.duration", "s", "Time to apply a parsed push to the findings (one transaction).");
        _ingestRows = Meter.CreateHistogram<long>("k8posture.ingest.rows", "{finding}", "Findings a push carried.");
        _jobSeconds = Meter.CreateHistogram<double>("k8posture.job.duration", "s", "Time a background job ran.");
    }

    public Meter Meter { get; }

    public void PageDataShown(string route, TimeSpan elapsed) =>
        _pageDataSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("page.route", route));

    public void CircuitOpened() => _circuitsOpen.Add(1);

    public void CircuitClosed() => _circuitsOpen.Add(-1);

    public void PushParsed(string format, TimeSpan elapsed, int rows)
    {
        var tag = new KeyValuePair<string, object?>("format", format);
        _ingestParseSeconds.Record(elapsed.TotalSeconds, tag);
        _ingestRows.Record(rows, tag);
    }

    public void PushStored(string format, TimeSpan elapsed) =>
        _ingestStoreSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("format", format));

    public void JobRan(string job, bool succeeded, TimeSpan elapsed) =>
        _jobSeconds.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("job", job),
            new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));
}
