using K8Posture.Shared;

namespace K8Posture.Features.Alerts;

/// <summary>The alert properties a Security Team suppression can name.</summary>
public readonly record struct SuppressionSubject(string Rule, string? Image, string? Namespace, string? Cluster, string? Process);

/// <summary>Applies the policy's alert suppressions (PolicyDocument.AlertSuppressions); first match wins. Pure.</summary>
public static class AlertSuppressionMatcher
{
    public static AlertSuppression? FirstMatch(IReadOnlyList<AlertSuppression> suppressions, SuppressionSubject alert)
    {
        foreach (var suppression in suppressions)
        {
            if (Matches(suppression, alert))
            {
                return suppression;
            }
        }
        return null;
    }

    public static bool Matches(AlertSuppression suppression, SuppressionSubject alert)
    {
        var rule = suppression.RuleId?.Trim();
        var anyRule = string.IsNullOrEmpty(rule) || rule == "*";
        if (anyRule && IsBlank(suppression.Image) && IsBlank(suppression.Namespace) && IsBlank(suppression.Cluster) && IsBlank(suppression.Process))
        {
            return false;
        }
        return (anyRule || string.Equals(rule, alert.Rule, StringComparison.OrdinalIgnoreCase))
            && ImageMatches(suppression.Image, alert.Image)
            && Same(suppression.Namespace, alert.Namespace)
            && Same(suppression.Cluster, alert.Cluster)
            && Same(suppression.Process, BaseName(alert.Process));
    }

    private static bool ImageMatches(string? wanted, string? image)
    {
        if (IsBlank(wanted))
        {
            return true;
        }
        if (image is null)
        {
            return false;
        }
        var pattern = wanted!.Trim();
        if (pattern.EndsWith('*'))
        {
            return image.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(image, pattern, StringComparison.OrdinalIgnoreCase)
            || image.StartsWith(pattern + ":", StringComparison.OrdinalIgnoreCase)
            || image.StartsWith(pattern + "@", StringComparison.OrdinalIgnoreCase);
    }

    private static bool Same(string? wanted, string? actual) =>
        IsBlank(wanted) || string.Equals(wanted!.Trim(), actual, StringComparison.OrdinalIgnoreCase);

    private static bool IsBlank(string? value) => string.IsNullOrWhiteSpace(value);

    private static string? BaseName(string? process)
    {
        if (process is null)
        {
            return null;
        }
        var slash = process.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? process[(slash + 1)..] : process;
    }
}
