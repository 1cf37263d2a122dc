using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace K8Posture.Features.Alerts;

/// <summary>
/// One event is one row: by the sensor's own id where it has one; otherwise by (source, rule, cluster, namespace, pod,
/// container, process) within the same UTC minute, so a burst of the same event counts up instead of flooding the list.
/// </summary>
public static class AlertDedupe
{
    public static string KeyOf(string source, string? sourceId, string rule, string? cluster, string? @namespace, string? pod, string? container, string? process, DateTimeOffset occurredAt)
    {
        var text = sourceId is { Length: > 0 }
            ? string.Join('\u001f', "id", source, sourceId)
            : string.Join('\u001f', "event", source, rule, Norm(cluster), Norm(@namespace), Norm(pod), Norm(container), Norm(process),
                occurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Norm(string? value) => value?.Trim().ToLowerInvariant() ?? "";
}
