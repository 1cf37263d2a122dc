using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace K8Posture.Features.Landscape;

/// <summary>
/// The home page: the whole landscape the caller may see, with its filters in the URL. Until the organisation has any
/// finding or processed push it shows the first-run checklist instead of empty charts.
/// </summary>
public sealed partial class LandscapePage
{
    /// <summary>localStorage key: the setup progress (done count) at which a Security admin hid the strip.</summary>
    internal const string SetupStripDismissedKey = "k8posture.setup-strip-dismissed-at";

    private LandscapeFilter _filter = new();
    private SetupProgress? _setup;
    private bool _isSecurityAdmin;
    private bool _setupStripAllowed;
    private IDisposable? _subscription;
    private readonly RefreshDebouncer _refresh = new(TimeSpan.FromMilliseconds(100));

    [Inject] private SetupChecklist Checklist { get; set; } = default!;
    [Inject] private LandscapeCubeRefresher Cube { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }


    private string PushExample =>
        $"curl -X POST \"{Navigation.BaseUri}api/v1/ingest/scans?cluster=my-cluster\" \\\n" +
        "  -H \"Authorization: Bearer k8p_…\" \\\n" +
        "  -H \"Content-Type: application/json\" \\\n" +
        "  --data-binary @trivy-report.json";

    /// <summary>The compact "Setup: n of 5 done" line above the charts: Security admins only, while steps remain, until hidden.</summary>
    private bool ShowSetupStrip => _isSecurityAdmin && _setupStripAllowed && _setup is { HasData: true, IsComplete: false };

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            _isSecurityAdmin = (await AuthenticationState).User.IsInRole(Roles.SecurityAdmin);
        }
        // After every rebuild of the landscape cells (which follows every scan push) and every alert change: a first push
        // replaces the checklist by the charts.
        _subscription = Cube.Subscribe(() => _refresh.DebounceAsync(() => InvokeAsync(ReloadSetupAsync)));
        _setup = await Checklist.GetAsync(_refresh.DisposedToken);
    }

    protected override void OnParametersSet() => _filter = LandscapeFilter.FromQuery(QueryString);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !_isSecurityAdmin)
        {
            return;
        }
        // Read after the first interactive render (no JS while prerendering); until then the strip stays hidden, so a
        // dismissed strip never flashes.
        try
        {
            var dismissedAt = await JS.InvokeAsync<string?>("localStorage.getItem", SetupStripDismissedKey);
            _setupStripAllowed = dismissedAt != _setup?.DoneCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (JSException)
        {
            _setupStripAllowed = true;
        }
        StateHasChanged();
    }

    private async Task ReloadSetupAsync()
    {
        if (_refresh.IsDisposed)
        {
            return;
        }
        _setup = await Checklist.GetAsync(_refresh.DisposedToken);
        StateHasChanged();
    }

    /// <summary>Hidden until another step is done: the stored count no longer matches then.</summary>
    private async Task DismissSetupStripAsync()
    {
        _setupStripAllowed = false;
        if (_setup is not null)
        {
            try
            {
                await JS.InvokeVoidAsync("localStorage.setItem", SetupStripDismissedKey, _setup.DoneCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (JSException)
            {
                // Storage refused (private mode): hidden for this visit only.
            }
        }
    }

    private void OnFilterChanged(LandscapeFilter filter) => Navigation.NavigateTo("/" + filter.ToQueryString());

    /// <summary>The findings explorer link for a category and severity (no other filter).</summary>
    internal static string FindingsLink(Data.FindingCategory? category, Data.FindingSeverity? severity) =>
        new LandscapeFilter().FindingsLink(category, severity);

    protected override void DisposePage()
    {
        _subscription?.Dispose();
        _refresh.Dispose();
    }
}
