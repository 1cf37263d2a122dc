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

/// <summary>
/// A part of the scorecard (tenancy, the public cloud, registries, …). Each answers its questions from the shared
/// <see cref="ScorecardFacts"/> and, where it needs more, from the caller-scoped context it is given.
/// Register with <c>services.AddScoped&lt;IScorecardSection, …&gt;()</c>; <see cref="Order"/> is the order on the page.
/// </summary>
public interface IScorecardSection
{
    int Order { get; }

    Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken);
}
