using System.Diagnostics.CodeAnalysis;

namespace K8Posture.Shared;

/// <summary>
/// Fits a value into its column. The widths are the <c>…MaxLength</c> constants of each entity's
/// <c>IEntityTypeConfiguration</c>, which the model uses too, so each width is written once.
/// </summary>
public static class ColumnLengths
{
    /// <summary>The value cut to <paramref name="maxLength"/> characters so it fits its column; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
