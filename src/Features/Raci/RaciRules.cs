namespace K8Posture.Features.Raci;

public enum RaciViolationKind { NoAccountable, SeveralAccountable, NoResponsible }

public sealed record RaciViolation(string ActivityKey, string ActivityName, RaciViolationKind Kind, string Detail);

/// <summary>
/// The matrix's rules: every activity in use has exactly one Accountable party (one owner who answers for it) and at least
/// one Responsible party (someone who does the work). Retired activities are exempt.
/// </summary>
public static class RaciRules
{
    public const string Summary = "Every activity has exactly one A (accountable: the one owner who answers for it) and at least one R (responsible: who does the work).";

    public static IReadOnlyList<RaciViolation> Check(RaciMatrix matrix)
    {
        var violations = new List<RaciViolation>();
        foreach (var activity in matrix.Activities.Where(a => !a.Retired))
        {
            var roles = matrix.Parties.Select(p => (Party: p, Role: matrix.Get(activity.Key, p.Key))).ToList();
            var accountable = roles.Where(r => r.Role.HasFlag(RaciRole.Accountable)).Select(r => r.Party.Name).ToList();
            if (accountable.Count == 0)
            {
                violations.Add(new RaciViolation(activity.Key, activity.Name, RaciViolationKind.NoAccountable, "No one is accountable (A): name exactly one owner."));
            }
            else if (accountable.Count > 1)
            {
                violations.Add(new RaciViolation(activity.Key, activity.Name, RaciViolationKind.SeveralAccountable,
                    $"{accountable.Count} parties are accountable ({string.Join(", ", accountable)}): exactly one may be."));
            }
            if (!roles.Any(r => r.Role.HasFlag(RaciRole.Responsible)))
            {
                violations.Add(new RaciViolation(activity.Key, activity.Name, RaciViolationKind.NoResponsible, "No one is responsible (R): name at least one party who does the work."));
            }
        }
        return violations;
    }
}
