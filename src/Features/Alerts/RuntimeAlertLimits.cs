namespace K8Posture.Features.Alerts;

internal static class RuntimeAlertLimits
{
    /// <summary>Evidence JSON beyond this is cut (the raw payload stays in the batch).</summary>
    public const int FieldsJson = 32000;
}
