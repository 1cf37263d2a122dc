using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace K8Posture.Shared.Telemetry;

/// <summary>
/// When the current page view in a circuit began: when the circuit opened (its first render follows), then at each
/// navigation. One per circuit (scoped).
/// </summary>
public sealed class PageViewClock : IDisposable
{
    private readonly NavigationManager _navigation;
    private long _startedAt = Stopwatch.GetTimestamp();

    public PageViewClock(NavigationManager navigation)
    {
        _navigation = navigation;
        _navigation.LocationChanged += OnLocationChanged;
    }

    /// <summary>Counts page views, so a page records each view once.</summary>
    public int View { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Interlocked.Read(ref _startedAt));

    public void Restart()
    {
        Interlocked.Exchange(ref _startedAt, Stopwatch.GetTimestamp());
        View++;
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => Restart();

    public void Dispose() => _navigation.LocationChanged -= OnLocationChanged;
}
