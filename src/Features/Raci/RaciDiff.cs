namespace K8Posture.Features.Raci;

public enum RaciChangeKind { ActivityAdded, ActivityRemoved, ActivityChanged, ActivityRetired, ActivityRestored, PartyAdded, PartyRemoved, PartyChanged, CellChanged }

/// <summary>One difference between two versions, in the matrix's own words ("Secrets management × Platform: C → A/R").</summary>
public sealed record RaciChange(RaciChangeKind Kind, string? ActivityKey, string? PartyKey, string? Before, string? After, string Text);

public static class RaciDiff
{
    public static IReadOnlyList<RaciChange> Compute(RaciMatrix before, RaciMatrix after)
    {
        var changes = new List<RaciChange>();
        var oldActivities = before.Activities.ToDictionary(a => a.Key, StringComparer.Ordinal);
        var newActivities = after.Activities.ToDictionary(a => a.Key, StringComparer.Ordinal);
        var oldParties = before.Parties.ToDictionary(p => p.Key, StringComparer.Ordinal);
        var newParties = after.Parties.ToDictionary(p => p.Key, StringComparer.Ordinal);

        foreach (var activity in after.Activities.Where(a => !oldActivities.ContainsKey(a.Key)))
        {
            changes.Add(new RaciChange(RaciChangeKind.ActivityAdded, activity.Key, null, null, activity.Name, $"Activity added: {activity.Name}"));
        }
        foreach (var activity in before.Activities.Where(a => !newActivities.ContainsKey(a.Key)))
        {
            changes.Add(new RaciChange(RaciChangeKind.ActivityRemoved, activity.Key, null, activity.Name, null, $"Activity removed: {activity.Name}"));
        }
        foreach (var activity in after.Activities.Where(a => oldActivities.ContainsKey(a.Key)))
        {
            var old = oldActivities[activity.Key];
            if (old.Retired != activity.Retired)
            {
                changes.Add(new RaciChange(activity.Retired ? RaciChangeKind.ActivityRetired : RaciChangeKind.ActivityRestored, activity.Key, null, null, null,
                    $"Activity {(activity.Retired ? "retired" : "restored")}: {activity.Name}"));
            }
            if (old.Name != activity.Name || old.Description != activity.Description)
            {
                changes.Add(new RaciChange(RaciChangeKind.ActivityChanged, activity.Key, null, $"{old.Name}: {old.Description}", $"{activity.Name}: {activity.Description}",
                    old.Name != activity.Name ? $"Activity renamed: {old.Name} → {activity.Name}" : $"Description changed: {activity.Name}"));
            }
        }
        foreach (var party in after.Parties.Where(p => !oldParties.ContainsKey(p.Key)))
        {
            changes.Add(new RaciChange(RaciChangeKind.PartyAdded, null, party.Key, null, party.Name, $"Party added: {party.Name} ({party.Kind})"));
        }
        foreach (var party in before.Parties.Where(p => !newParties.ContainsKey(p.Key)))
        {
            changes.Add(new RaciChange(RaciChangeKind.PartyRemoved, null, party.Key, party.Name, null, $"Party removed: {party.Name} ({party.Kind})"));
        }
        foreach (var party in after.Parties.Where(p => oldParties.TryGetValue(p.Key, out var old) && (old.Name != p.Name || old.Kind != p.Kind)))
        {
            var old = oldParties[party.Key];
            changes.Add(new RaciChange(RaciChangeKind.PartyChanged, null, party.Key, $"{old.Name} ({old.Kind})", $"{party.Name} ({party.Kind})",
                $"Party changed: {old.Name} ({old.Kind}) → {party.Name} ({party.Kind})"));
        }

        // Cells of every activity and party either version knows, in the newer version's order.
        var activityKeys = after.Activities.Select(a => a.Key).Concat(before.Activities.Select(a => a.Key)).Distinct(StringComparer.Ordinal);
        var partyKeys = after.Parties.Select(p => p.Key).Concat(before.Parties.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var activityKey in activityKeys)
        {
            foreach (var partyKey in partyKeys)
            {
                var was = before.Get(activityKey, partyKey);
                var now = after.Get(activityKey, partyKey);
                if (was == now)
                {
                    continue;
                }
                var activityName = (newActivities.GetValueOrDefault(activityKey) ?? oldActivities[activityKey]).Name;
                var partyName = (newParties.GetValueOrDefault(partyKey) ?? oldParties[partyKey]).Name;
                changes.Add(new RaciChange(RaciChangeKind.CellChanged, activityKey, partyKey, Show(was), Show(now),
                    $"{activityName} × {partyName}: {Show(was)} → {Show(now)}"));
            }
        }
        return changes;
    }

    private static string Show(RaciRole role) => role == RaciRole.None ? "—" : string.Join('/', RaciLetters.Format(role).ToCharArray());
}
