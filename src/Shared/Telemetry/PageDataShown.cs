using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace K8Posture.Shared.Telemetry;

/// <summary>
/// Placed in a page, it records <c>k8posture.page.data_time</c> once per page view, after the first render that carries
/// data loaded for that view: either the page passes its data as <see cref="Data"/> (a new object once loaded), or a
/// component that loads on its own (a server-side grid) calls <see cref="ShowAsync"/>. Renders nothing. Prerendering never
/// calls OnAfterRender, so only interactive views count. Data already shown before a navigation does not count for the
/// next view; only the next new object does.
/// </summary>
public sealed class PageDataShown : ComponentBase
{
    private int _recordedView = -1;
    private object? _recordedData;
    private object? _shown;

    [Inject]
    private K8PostureMetrics Metrics { get; set; } = default!;

    [Inject]
    private PageViewClock Clock { get; set; } = default!;

    [CascadingParameter]
    private Microsoft.AspNetCore.Components.RouteData? RouteData { get; set; }

    /// <summary>The page's data for the current view; null while it loads.</summary>
    [Parameter]
    public object? Data { get; set; }

    /// <summary>For data a child loads itself: renders this marker after the child's own render of it (hence the yield).</summary>
    public async Task ShowAsync(object data)
    {
        await Task.Yield();
        _shown = data;
        StateHasChanged();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        var data = _shown ?? Data;
        if (data is null || _recordedView == Clock.View || ReferenceEquals(data, _recordedData))
        {
            return;
        }
        _recordedView = Clock.View;
        _recordedData = data;
        Metrics.PageDataShown(RouteData is null ? "unknown" : RouteData.Template ?? TemplateOf(RouteData.PageType), Clock.Elapsed);
    }

    private static readonly ConcurrentDictionary<Type, string> Templates = new();

    /// <summary>The interactive router leaves <see cref="RouteData.Template"/> unset; the page's first @page is its name.</summary>
    private static string TemplateOf(Type page) => Templates.GetOrAdd(page, type =>
        type.GetCustomAttributes(typeof(RouteAttribute), inherit: false).OfType<RouteAttribute>().FirstOrDefault()?.Template ?? type.Name);
}
