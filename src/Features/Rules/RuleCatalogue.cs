namespace K8Posture.Features.Rules;

/// <summary>Every built-in rule, found once by reflection (a new sealed <see cref="IRule"/> class is picked up), ordered by id.</summary>
public sealed class RuleCatalogue
{
    public RuleCatalogue()
    {
        Rules = typeof(RuleCatalogue).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IRule).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IRule)Activator.CreateInstance(t)!)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var duplicates = Rules.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"Duplicate rule ids: {string.Join(", ", duplicates)}.");
        }
        ById = Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<IRule> Rules { get; }

    public IReadOnlyDictionary<string, IRule> ById { get; }
}
