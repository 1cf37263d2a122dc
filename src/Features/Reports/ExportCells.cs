using System.Globalization;
using K8Posture.Shared;

namespace K8Posture.Features.Reports;

/// <summary>How export values become cell text, and the formula-injection guard shared by both formats.</summary>
public static class ExportCells
{
    /// <summary>
    /// Characters that make a spreadsheet treat a cell as a formula (or DDE) when it is opened: OWASP "CSV Injection".
    /// </summary>
    public static bool StartsLikeFormula(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>Prefixes a single quote to text a spreadsheet would read as a formula, so it is shown as text.</summary>
    public static string NeutraliseForCsv(string text) => StartsLikeFormula(text) ? "'" + text : text;

    /// <summary>The text of a value: invariant culture, instants in UTC ISO 8601, enums by their display name (<see cref="DisplayNames"/>).</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTime at => at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Enum e => e.DisplayName(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
