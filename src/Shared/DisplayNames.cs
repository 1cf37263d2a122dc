using System.Text;
using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Clusters;
using K8Posture.Features.Remediation;
using K8Posture.Features.Tenancy;

namespace K8Posture.Shared;

/// <summary>
/// The one way to turn an enum value into the words people read — pages, CSV/XLSX exports and the executive report.
/// Enums with chosen words keep them in their slice's labels class (<see cref="FindingLabels"/>, <see cref="IocLabels"/>,
/// <see cref="TenancyScoring"/>, …); this dispatches to those, and spells any other member out ("ClosedByScan" →
/// "Closed by scan") so a raw member name never reaches a reader.
/// </summary>
public static class DisplayNames
{
    public static string DisplayName(this Enum value) => value switch
    {
        FindingCategory category => category.Label(),
        FindingSeverity severity => severity.Label(),
        IocClass iocClass => iocClass.Label(),
        AlertTriageState triage => triage.Label(),
        RemediationStatus status => status.Label(),
        TenancyModel model => TenancyScoring.Label(model),
        DataClass dataClass => TenancyScoring.Label(dataClass),
        Regulation regulation => TenancyScoring.Label(regulation),
        BusinessAutonomy autonomy => TenancyScoring.Label(autonomy),
        BlastRadius radius => TenancyScoring.Label(radius),
        RuntimeNeed need => TenancyScoring.Label(need),
        ClusterProvider provider => provider.Label(),
        ClusterStateKind state => ClusterState.Word(state),
        _ => Humanise(value.ToString()),
    };

    public static string Label(this ClusterProvider provider) => provider switch
    {
        ClusterProvider.Aks => "AKS",
        ClusterProvider.Eks => "EKS",
        ClusterProvider.Gke => "GKE",
        ClusterProvider.OpenShift => "OpenShift",
        ClusterProvider.OnPremises => "On-premises",
        _ => provider.ToString(),
    };

    /// <summary>
    /// "SharedHardIsolation" → "Shared hard isolation", "ActivityAdded, CellChanged" (flags) → "Activity added, cell changed":
    /// words split at case changes, all but the first lower-cased unless they are acronyms.
    /// </summary>
    public static string Humanise(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var startsWord = i > 0 && char.IsUpper(c) && text.Length > 0 && text[^1] != ' '
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord)
            {
                text.Append(' ');
            }
            text.Append(c);
        }
        var words = text.ToString().Split(' ');
        for (var w = 1; w < words.Length; w++)
        {
            var word = words[w];
            var isAcronym = word.Length > 1 && word.All(ch => !char.IsLetter(ch) || char.IsUpper(ch));
            if (!isAcronym)
            {
                words[w] = word.ToLowerInvariant();
            }
        }
        return string.Join(' ', words);
    }
}
