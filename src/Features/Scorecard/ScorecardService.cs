using K8Posture.Data;
using K8Posture.Features.Policy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Scorecard;

public sealed record ScorecardView(DateTimeOffset At, IReadOnlyList<ScorecardItem> Items)
{
    public int Count(ScorecardStatus status) => Items.Count(i => i.Status == status);
}

/// <summary>Answers every question of the study guide from the caller's scope, section by section.</summary>
public sealed class ScorecardService(
    IDbContextFactory<K8PostureDbContext> contexts,
    PolicyStore policies,
    TenancySection tenancy,
    GovernanceSection governance,
    PublicCloudSection publicCloud,
    RegistrySection registries,
    VulnerabilitySection vulnerabilities,
    InventorySection inventory,
    DetectionSection detection,
    LearningSection learning,
    TimeProvider clock)
{
    public async Task<ScorecardView> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var facts = await ScorecardFacts.LoadAsync(db, policies, now, cancellationToken);
        // The order on the page: each section answers its questions from the shared facts (and, where it needs more, the scoped context).
        IReadOnlyList<ScorecardItem>[] sections =
        [
            await tenancy.AnswerAsync(facts, cancellationToken),
            await governance.AnswerAsync(facts, cancellationToken),
            await publicCloud.AnswerAsync(facts, cancellationToken),
            await registries.AnswerAsync(facts, cancellationToken),
            await vulnerabilities.AnswerAsync(facts, cancellationToken),
            await inventory.AnswerAsync(facts, cancellationToken),
            await detection.AnswerAsync(facts, cancellationToken),
            await learning.AnswerAsync(facts, cancellationToken),
        ];
        return new ScorecardView(now, [.. sections.SelectMany(s => s)]);
    }
}
