using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Components;

namespace K8Posture.Features.Organisation;

public partial class OrganisationPage
{
    private static readonly string[] Tabs = ["teams", "business-units", "applications", "pipeline-identities"];

    private int _tab;

    /// <summary>Opens a tab directly, e.g. <c>/admin/organisation?tab=applications</c>.</summary>
    protected override void OnParametersSet() => _tab = Math.Max(0, Array.IndexOf(Tabs, QueryValue("tab")?.ToLowerInvariant()));
}

/// <summary>
/// What the service refused in a dialog: shown on the field it names while that field still holds the refused
/// value (so editing it clears the message), or as an alert when it names no field of the dialog.
/// </summary>
internal sealed class OrganisationRefusal
{
    private readonly Dictionary<string, (string? Value, string Message)> _byField = new(StringComparer.OrdinalIgnoreCase);

    public string? Alert { get; private set; }

    public void Clear()
    {
        _byField.Clear();
        Alert = null;
    }

    /// <param name="values">The dialog's fields by the names the service gives them, with the values it sent.</param>
    public void Record(ProblemException refusal, IReadOnlyDictionary<string, string?> values)
    {
        if (refusal.Field is { } field && values.TryGetValue(field, out var value))
        {
            _byField[field] = (value, refusal.Message);
        }
        else
        {
            Alert = refusal.Message;
        }
    }

    public string? For(string field, string? value) =>
        _byField.TryGetValue(field, out var refused) && string.Equals(Normalise(refused.Value), Normalise(value), StringComparison.Ordinal) ? refused.Message : null;

    /// <summary>Runs one of <see cref="OrganisationValidation"/>'s rules: null when it passes, else its message.</summary>
    public static string? Check(Action rule)
    {
        try
        {
            rule();
            return null;
        }
        catch (ProblemException refusal)
        {
            return refusal.Message;
        }
    }

    private static string Normalise(string? value) => value?.Trim() ?? "";
}
