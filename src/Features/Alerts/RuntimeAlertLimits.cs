namespace K8Posture.Features.Alerts;

internal static class RuntimeAlertLimits
{
    /// <summary>Evidence JSON beyond this is cut (the raw payload stays in the batch).</summary>
    public const int FieldsJson = 32000;

    public static string? Clip(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
