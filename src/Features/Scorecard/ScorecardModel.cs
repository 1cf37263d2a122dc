namespace K8Posture.Features.Scorecard;

/// <summary>How a study-guide question stands on the evidence the product holds.</summary>
public enum ScorecardStatus
{
    /// <summary>The product holds evidence that the control exists and nothing open contradicts it.</summary>
    Covered,

    /// <summary>The evidence shows a problem: open findings past what the policy allows, violations, missing controls.</summary>
    Gap,

    /// <summary>The product holds no evidence either way: nothing has reported on it yet.</summary>
    Unknown,
}

/// <summary>One question of the study guide, answered: a status, the evidence behind it, and the view that proves it.</summary>
public sealed record ScorecardItem(
    string Id,
    string Section,
    string Question,
    ScorecardStatus Status,
    IReadOnlyList<string> Evidence,
    string Link,
    string LinkText);
