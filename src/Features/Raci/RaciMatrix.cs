using K8Posture.Shared.Http;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8Posture.Features.Raci;

/// <summary>What a party does for an activity. A cell may hold several letters (the common "A/R").</summary>
[Flags]
public enum RaciRole
{
    None = 0,
    Responsible = 1,
    Accountable = 2,
    Consulted = 4,
    Informed = 8,
}

public enum RaciPartyKind { Team, BusinessUnit, Role, Vendor }

/// <summary>An activity of the cloud/Kubernetes operating model that someone must own.</summary>
public sealed class RaciActivity
{
    /// <summary>Stable key ("cloud-iam-administration"); cells and diffs refer to it, so renaming keeps history.</summary>
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Retired activities stay in the document for history; rules ignore them.</summary>
    public bool Retired { get; set; }
}

/// <summary>A column of the matrix: a team, a business unit, a role (CIRT, Network…) or a vendor.</summary>
public sealed class RaciParty
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public RaciPartyKind Kind { get; set; }
    /// <summary>The K8Posture team (Kind = Team) or business unit (Kind = BusinessUnit) it stands for, when there is one.</summary>
    public int? TeamId { get; set; }
    public int? BusinessUnitId { get; set; }
}

/// <summary>
/// The RACI matrix as one document, stored whole in every <c>RaciVersion</c> (like the policy): small, always read whole,
/// and a version per save gives history and a diff without change tracking per cell.
/// </summary>
public sealed class RaciMatrix
{
    public const int MaxKeyLength = 80;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 1000;

    public List<RaciActivity> Activities { get; set; } = [];
    public List<RaciParty> Parties { get; set; } = [];
    /// <summary>Activity key → party key → letters ("AR", "C"). Missing or empty: no role.</summary>
    public Dictionary<string, Dictionary<string, string>> Cells { get; set; } = [];

    /// <summary>Drops a party and every letter it held; the rules then show any activity left without an A or R.</summary>
    public void RemoveParty(string partyKey)
    {
        Parties.RemoveAll(p => p.Key == partyKey);
        foreach (var (activityKey, row) in Cells.ToList())
        {
            if (row.Remove(partyKey) && row.Count == 0)
            {
                Cells.Remove(activityKey);
            }
        }
    }

    public RaciRole Get(string activityKey, string partyKey) =>
        Cells.TryGetValue(activityKey, out var row) && row.TryGetValue(partyKey, out var letters) ? RaciLetters.Parse(letters) : RaciRole.None;

    public void Set(string activityKey, string partyKey, RaciRole role)
    {
        if (!Cells.TryGetValue(activityKey, out var row))
        {
            row = new Dictionary<string, string>(StringComparer.Ordinal);
            Cells[activityKey] = row;
        }
        if (role == RaciRole.None)
        {
            row.Remove(partyKey);
            if (row.Count == 0)
            {
                Cells.Remove(activityKey);
            }
        }
        else
        {
            row[partyKey] = RaciLetters.Format(role);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, HttpJson.Indented);

    public static RaciMatrix FromJson(string json) => JsonSerializer.Deserialize<RaciMatrix>(json, HttpJson.Indented) ?? new RaciMatrix();

    public RaciMatrix Clone() => FromJson(ToJson());

    /// <summary>Canonical form: trimmed, letters in R-A-C-I order, cells of unknown activities or parties and empty cells dropped.</summary>
    public RaciMatrix Normalised()
    {
        var activities = Activities.Select(a => new RaciActivity { Key = a.Key.Trim(), Name = a.Name.Trim(), Description = (a.Description ?? "").Trim(), Retired = a.Retired }).ToList();
        var parties = Parties.Select(p => new RaciParty { Key = p.Key.Trim(), Name = p.Name.Trim(), Kind = p.Kind, TeamId = p.TeamId, BusinessUnitId = p.BusinessUnitId }).ToList();
        var cells = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var activity in activities.Select(a => a.Key))
        {
            if (!Cells.TryGetValue(activity, out var row) || row is null)
            {
                continue;
            }
            var normalisedRow = new Dictionary<string, string>(StringComparer.Ordinal);
            // Party order, so the JSON (and its line diff) does not depend on the order cells were edited in.
            foreach (var party in parties)
            {
                if (row.TryGetValue(party.Key, out var letters) && RaciLetters.Parse(letters) is var role && role != RaciRole.None)
                {
                    normalisedRow[party.Key] = RaciLetters.Format(role);
                }
            }
            if (normalisedRow.Count > 0)
            {
                cells[activity] = normalisedRow;
            }
        }
        return new RaciMatrix { Activities = activities, Parties = parties, Cells = cells };
    }
}

public static class RaciLetters
{
    public static readonly RaciRole[] Order = [RaciRole.Responsible, RaciRole.Accountable, RaciRole.Consulted, RaciRole.Informed];

    public static char Letter(RaciRole role) => role switch
    {
        RaciRole.Responsible => 'R',
        RaciRole.Accountable => 'A',
        RaciRole.Consulted => 'C',
        RaciRole.Informed => 'I',
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "One letter at a time."),
    };

    public static string Format(RaciRole role) => new(Order.Where(r => role.HasFlag(r)).Select(Letter).ToArray());

    /// <summary>"A/R", "ar", "R, C" → the flags; characters other than R, A, C, I are ignored (see <see cref="Invalid"/>).</summary>
    public static RaciRole Parse(string? letters)
    {
        var role = RaciRole.None;
        foreach (var c in letters ?? "")
        {
            role |= char.ToUpperInvariant(c) switch
            {
                'R' => RaciRole.Responsible,
                'A' => RaciRole.Accountable,
                'C' => RaciRole.Consulted,
                'I' => RaciRole.Informed,
                _ => RaciRole.None,
            };
        }
        return role;
    }

    /// <summary>Characters that are neither a RACI letter nor a separator.</summary>
    public static bool Invalid(string? letters) =>
        (letters ?? "").Any(c => "RACIraci/, ".IndexOf(c, StringComparison.Ordinal) < 0);
}
