namespace K8Posture.Features.Reports;

/// <summary>
/// Who acted, as a report for people outside the Security Team prints it: a person by the name recorded, anything else
/// (background jobs, the system, the demo seeder, pipeline keys and Entra apps) as "automated" — internal job and key names
/// mean nothing to a board.
/// </summary>
public static class ReportActors
{
    public const string Automated = "automated";

    private static readonly string[] MachinePrefixes = ["job:", "system:", "demo:", "key:", "app:"];

    public static string Display(string? actor) =>
        string.IsNullOrWhiteSpace(actor) ? "—"
        : MachinePrefixes.Any(p => actor.StartsWith(p, StringComparison.Ordinal)) || actor == "anonymous" ? Automated
        : actor;

    /// <summary>"by Sam Analyst", or "automatically" when no person acted.</summary>
    public static string SavedBy(string? actor) => Display(actor) is var who && who == Automated ? "automatically" : "by " + who;
}
