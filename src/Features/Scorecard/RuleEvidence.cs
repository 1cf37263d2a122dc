using System.Globalization;

namespace K8Posture.Features.Scorecard;

/// <summary>The common shape of a question answered by built-in rules: unknown until they have judged something, a gap while any is open.</summary>
internal static class RuleEvidence
{
    public static ScorecardItem Judge(ScorecardFacts facts, string id, string section, string question, string control, params string[] ruleIds)
    {
        var open = facts.Open(ruleIds);
        var link = FindingsLink(ruleIds);
        if (!facts.RulesEvaluated && open.Open == 0)
        {
            return new ScorecardItem(id, section, question, ScorecardStatus.Unknown,
                [$"No cluster has been collected and no rules batch stored, so {control} has not been checked ({string.Join(", ", ruleIds)})."],
                "/clusters", "Clusters");
        }
        var evidence = new List<string>
        {
            open.Open == 0
                ? $"No open finding of {string.Join(", ", ruleIds)}: {control} holds wherever the rules looked."
                : $"{Count(open.Open)} open finding(s) of {string.Join(", ", ruleIds)}, {Count(open.HighOrWorse)} High or Critical, {Count(open.Overdue)} past their SLA.",
        };
        return new ScorecardItem(id, section, question, open.Open == 0 ? ScorecardStatus.Covered : ScorecardStatus.Gap, evidence, link, "Findings");
    }

    public static string FindingsLink(params string[] ruleIds) => "/findings?rule=" + Uri.EscapeDataString(string.Join(',', ruleIds));

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
