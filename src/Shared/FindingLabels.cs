using K8Posture.Data;

namespace K8Posture.Shared;

/// <summary>The words and colours people see for finding categories and severities, shared by charts, chips and filters.</summary>
public static class FindingLabels
{
    /// <summary>Worst first: the order of chart series, filters and legends.</summary>
    public static readonly IReadOnlyList<FindingSeverity> SeveritiesWorstFirst =
    [
        FindingSeverity.Critical, FindingSeverity.High, FindingSeverity.Medium,
        FindingSeverity.Low, FindingSeverity.Info, FindingSeverity.Unknown,
    ];

    public static readonly IReadOnlyList<FindingCategory> Categories = Enum.GetValues<FindingCategory>();

    public static string Label(this FindingCategory category) => category switch
    {
        FindingCategory.KubernetesMisconfiguration => "Kubernetes misconfiguration",
        FindingCategory.ContainerMisconfiguration => "Container misconfiguration",
        FindingCategory.NetworkPolicyMisconfiguration => "Network policy misconfiguration",
        FindingCategory.Vulnerability => "Vulnerability",
        FindingCategory.CloudIamVpcMisconfiguration => "Cloud IAM & VPC misconfiguration",
        _ => category.ToString(),
    };

    public static string Label(this FindingSeverity severity) => severity.ToString();

    /// <summary>Background colour of a severity; text on it is white except for the light ones.</summary>
    public static string Colour(this FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "#8b0000",
        FindingSeverity.High => "#c0391b",
        FindingSeverity.Medium => "#f0a202",
        FindingSeverity.Low => "#1f5fbf",
        FindingSeverity.Info => "#5c636e",
        _ => "#c9ced6",
    };

    public static string TextColour(this FindingSeverity severity) => severity switch
    {
        FindingSeverity.Medium or FindingSeverity.Unknown => "#1b1f24",
        _ => "#ffffff",
    };

    public static string Label(this FindingStatus status) => status.ToString();
}
