using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace K8Posture.Shared;

/// <summary>
/// Calls a page back when a navigation stays on its path and changes only the query string, for pages that read their
/// criteria from the whole URL. Used instead of <c>[SupplyParameterFromQuery]</c>: in ASP.NET Core 10.0.12 that value
/// provider throws "Collection was modified" when a navigation swaps two pages that both use it while it notifies them
/// (dotnet/aspnetcore#64963), and the exception ends the person's circuit (the load run saw it going from the findings
/// page to a cluster page).
/// </summary>
public sealed class QueryStringChanges : IDisposable
{
    private readonly NavigationManager _navigation;
    private readonly Func<Task> _changed;
    private string _path;

    public QueryStringChanges(NavigationManager navigation, Func<Task> changed)
    {
        _navigation = navigation;
        _changed = changed;
        _path = new Uri(navigation.Uri).AbsolutePath;
        _navigation.LocationChanged += OnLocationChanged;
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var path = new Uri(e.Location).AbsolutePath;
        var samePath = string.Equals(path, _path, StringComparison.Ordinal);
        _path = path;
        if (samePath)
        {
            _ = _changed();
        }
    }

    public void Dispose() => _navigation.LocationChanged -= OnLocationChanged;
}
