using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace K8Posture.Shared;

/// <summary>
/// A page that reads its criteria from the query string, and reads them again (<c>OnParametersSet</c> and
/// <c>OnParametersSetAsync</c>) when a navigation stays on its path and changes only the query. Used instead of
/// <c>[SupplyParameterFromQuery]</c>: in ASP.NET Core 10.0.12 that value provider throws "Collection was modified" when a
/// navigation swaps two pages that both use it while it notifies them (dotnet/aspnetcore#64963), and the exception ends
/// the person's circuit (the load run saw it going from the findings page to a cluster page).
/// </summary>
public abstract class QueryStringPage : ComponentBase, IDisposable
{
    private string? _path;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The current URL's query string, with its leading <c>?</c> (empty when there is none).</summary>
    protected string QueryString => new Uri(Navigation.Uri).Query;

    /// <summary>The first value of one query parameter, or null when the URL does not carry it.</summary>
    protected string? QueryValue(string name) =>
        QueryHelpers.ParseQuery(QueryString).TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        if (_path is null)
        {
            _path = new Uri(Navigation.Uri).AbsolutePath;
            Navigation.LocationChanged += OnLocationChanged;
        }
        return base.SetParametersAsync(parameters);
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var path = new Uri(e.Location).AbsolutePath;
        var samePath = string.Equals(path, _path, StringComparison.Ordinal);
        _path = path;
        // A navigation to another path re-renders the page through the router (new route values) or replaces it.
        if (samePath)
        {
            _ = InvokeAsync(ReadQueryAgainAsync);
        }
    }

    private async Task ReadQueryAgainAsync()
    {
        try
        {
            OnParametersSet();
            await OnParametersSetAsync();
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    public void Dispose()
    {
        if (_path is not null)
        {
            Navigation.LocationChanged -= OnLocationChanged;
        }
        DisposePage();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the page itself holds (subscriptions, debouncers).</summary>
    protected virtual void DisposePage()
    {
    }
}
