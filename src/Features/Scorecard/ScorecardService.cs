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
    IEnumerable<IScorecardSection> sections,
    TimeProvider clock)
{
    public async Task<ScorecardView> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var facts = await ScorecardFacts.LoadAsync(db, policies, now, cancellationToken);
        var items = new List<ScorecardItem>();
        foreach (var section in sections.OrderBy(s => s.Order))
        {
            items.AddRange(await section.AnswerAsync(facts, cancellationToken));
        }
        return new ScorecardView(now, items);
    }
}
