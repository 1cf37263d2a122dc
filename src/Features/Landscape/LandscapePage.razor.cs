using Microsoft.AspNetCore.Components;

namespace K8Posture.Features.Landscape;

/// <summary>The home page: the whole landscape the caller may see, with its filters in the URL.</summary>
public sealed partial class LandscapePage : ComponentBase
{
    private LandscapeFilter _filter = new();

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    // Declared so that a change of any of them re-runs OnParametersSet; the filter is read from the whole URL.
    [SupplyParameterFromQuery(Name = "bu")] public string? BusinessUnitParameter { get; set; }
    [SupplyParameterFromQuery(Name = "team")] public string? TeamParameter { get; set; }
    [SupplyParameterFromQuery(Name = "cluster")] public string? ClusterParameter { get; set; }
    [SupplyParameterFromQuery(Name = "env")] public string? EnvironmentParameter { get; set; }
    [SupplyParameterFromQuery(Name = "category")] public string? CategoryParameter { get; set; }
    [SupplyParameterFromQuery(Name = "severity")] public string? SeverityParameter { get; set; }
    [SupplyParameterFromQuery(Name = "range")] public string? RangeParameter { get; set; }

    private string PushExample =>
        $"curl -X POST \"{Navigation.BaseUri}api/v1/ingest/scans?cluster=my-cluster\" \\\n" +
        "  -H \"Authorization: Bearer k8p_…\" \\\n" +
        "  -H \"Content-Type: application/json\" \\\n" +
        "  --data-binary @trivy-report.json";

    protected override void OnParametersSet() => _filter = LandscapeFilter.FromQuery(new Uri(Navigation.Uri).Query);

    private void OnFilterChanged(LandscapeFilter filter) => Navigation.NavigateTo("/" + filter.ToQueryString());

    /// <summary>The findings explorer link for a category and severity (no other filter).</summary>
    internal static string FindingsLink(Data.FindingCategory? category, Data.FindingSeverity? severity) =>
        new LandscapeFilter().FindingsLink(category, severity);
}
