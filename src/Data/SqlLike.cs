namespace K8Posture.Data;

/// <summary>
/// The one LIKE pattern the searches use: "contains this text", its wildcards (<c>%</c>, <c>_</c>, and SQL Server's
/// <c>[</c>) escaped with <see cref="Escape"/>, so a search for "a_b" or "[x]" finds exactly that on both providers.
/// LIKE rather than <c>Contains</c>: it is case-insensitive on SQLite (ASCII) and on SQL Server's default collation.
/// </summary>
public static class SqlLike
{
    public const string Escape = "\\";

    public static string Containing(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal)
            .Replace("[", "\\[", StringComparison.Ordinal) + "%";
}
