using System.Globalization;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>
/// MDM export of installed container engines (README "Desktops CSV"): header row, columns in any order,
/// <c>hostname,user,product,version,last_seen</c> required (user may be empty), <c>team,business_unit</c> optional.
/// Rows whose product is not a container engine are counted as ignored, so a full software inventory can be pushed.
/// </summary>
public sealed class MdmDesktopCsvParser : IInventoryParser
{
    public string Format => "mdm-csv";
    public IReadOnlyList<string> Aliases => ["mdm", "desktops", "desktop-csv"];

    /// <summary>Container engines a desktop can run, by a lower-case fragment of the product name, with the name shown.</summary>
    private static readonly (string Fragment, string Product)[] Engines =
    [
        ("docker desktop", "Docker Desktop"),
        ("rancher desktop", "Rancher Desktop"),
        ("podman desktop", "Podman Desktop"),
        ("podman", "Podman"),
        ("orbstack", "OrbStack"),
        ("colima", "Colima"),
        ("minikube", "minikube"),
        ("docker engine", "Docker Engine"),
        ("docker", "Docker"),
    ];

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var header = CsvHeads.FirstLine(payload);
        return header.Contains("product") && (header.Contains("hostname") || header.Contains("host") || header.Contains("device_name"));
    }

    public static string? Engine(string product)
    {
        var lower = product.ToLowerInvariant();
        return Engines.FirstOrDefault(e => lower.Contains(e.Fragment, StringComparison.Ordinal)).Product;
    }

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        var table = CsvTable.Read(payload, "MDM desktops CSV");
        var host = table.RequiredColumn("hostname", "host", "device_name");
        var user = table.RequiredColumn("user", "username", "primary_user");
        var product = table.RequiredColumn("product", "application", "app");
        var version = table.RequiredColumn("version", "product_version");
        var lastSeen = table.RequiredColumn("last_seen", "lastseen", "last_check_in");
        var team = table.Column("team", "owner_team");
        var unit = table.Column("business_unit", "bu");
        var desktops = new List<ParsedDesktop>();
        var ignored = 0;
        foreach (var (row, fields) in table.Rows)
        {
            var hostname = table.RequiredValue(row, fields, host);
            var productName = table.RequiredValue(row, fields, product);
            var seen = table.Time(row, fields, lastSeen, required: true);
            if (Engine(productName) is null)
            {
                ignored++;
                continue;
            }
            desktops.Add(new ParsedDesktop(row, hostname, CsvTable.Value(fields, user), productName, CsvTable.Value(fields, version), seen,
                CsvTable.Value(fields, team), CsvTable.Value(fields, unit)));
        }
        return new InventoryParseResult(Format) { Desktops = desktops, Examined = table.Rows.Count, Ignored = ignored };
    }
}

/// <summary>
/// Proxy or flow log export (README "Egress CSV"): <c>time,source_host,user,team,destination_host,bytes</c>
/// (user and team may be empty; destination may be a URL). Only lines to public registries and Helm repositories
/// (<see cref="RegistryHosts"/>) are kept; the rest are counted as ignored.
/// </summary>
public sealed class EgressCsvParser : IInventoryParser
{
    public string Format => "egress-csv";
    public IReadOnlyList<string> Aliases => ["egress", "proxy-csv", "flow-csv"];

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var header = CsvHeads.FirstLine(payload);
        return header.Contains("destination") || header.Contains("dest_host") || header.Contains("dst_host");
    }

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        var table = CsvTable.Read(payload, "egress CSV");
        var time = table.RequiredColumn("time", "timestamp", "date");
        var source = table.RequiredColumn("source_host", "src_host", "client_host", "source");
        var user = table.Column("user", "username");
        var team = table.Column("team", "owner_team");
        var destination = table.RequiredColumn("destination_host", "dest_host", "dst_host", "destination", "url");
        var bytes = table.RequiredColumn("bytes", "bytes_in", "sc_bytes");
        var pulls = new List<ParsedEgress>();
        var ignored = 0;
        foreach (var (row, fields) in table.Rows)
        {
            var at = table.Time(row, fields, time, required: true)!.Value;
            var sourceHost = table.RequiredValue(row, fields, source);
            var destinationValue = table.RequiredValue(row, fields, destination);
            var destinationHost = RegistryHosts.HostOf(destinationValue)
                ?? throw new ScanParseException($"Row {row}, column {destination + 1} ('{table.Header[destination]}') holds '{destinationValue}', which is neither a host name nor a URL.", table.Where(row, destination));
            var sizeText = CsvTable.Value(fields, bytes);
            long size = 0;
            if (sizeText is not null && !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size))
            {
                throw new ScanParseException($"Row {row}, column {bytes + 1} ('{table.Header[bytes]}') holds '{sizeText}', which is not a whole number of bytes.", table.Where(row, bytes));
            }
            if (RegistryHosts.Classify(destinationHost, destinationValue) is not { } registry)
            {
                ignored++;
                continue;
            }
            pulls.Add(new ParsedEgress(row, at, sourceHost.ToLowerInvariant(), CsvTable.Value(fields, user), CsvTable.Value(fields, team), destinationHost, registry, size));
        }
        return new InventoryParseResult(Format) { Egress = pulls, Examined = table.Rows.Count, Ignored = ignored };
    }
}

/// <summary>Public registries and Helm repositories whose use from inside the company the Security Team wants to see.</summary>
public static class RegistryHosts
{
    public const string DockerHub = "docker-hub";

    // Docker Hub serves pulls from registry-1.docker.io (manifests), auth.docker.io (tokens) and
    // production.cloudflare.docker.com (layers); index.docker.io and docker.io are the names images use.
    private static readonly (string Suffix, string Registry)[] Known =
    [
        ("docker.io", DockerHub),
        ("production.cloudflare.docker.com", DockerHub),
        ("docker.com", DockerHub),
        ("ghcr.io", "ghcr"),
        ("pkg-containers.githubusercontent.com", "ghcr"),
        ("quay.io", "quay"),
        ("gcr.io", "gcr"),
        ("pkg.dev", "gcr"),
        ("public.ecr.aws", "ecr-public"),
        ("registry.k8s.io", "registry.k8s.io"),
        ("charts.bitnami.com", "helm"),
        ("artifacthub.io", "helm"),
        ("charts.helm.sh", "helm"),
        ("kubernetes-charts.storage.googleapis.com", "helm"),
        // GitHub Pages hosts most community Helm chart repositories (index.yaml served from <org>.github.io).
        ("github.io", "helm"),
    ];

    /// <summary>The destination's class, or null when it is not a tracked registry. A path ending in index.yaml or .tgz is Helm anywhere.</summary>
    public static string? Classify(string host, string? original = null)
    {
        foreach (var (suffix, registry) in Known)
        {
            if (host.Equals(suffix, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase))
            {
                return registry;
            }
        }
        if (original is not null && Uri.TryCreate(original, UriKind.Absolute, out var uri)
            && (uri.AbsolutePath.EndsWith("/index.yaml", StringComparison.OrdinalIgnoreCase) || uri.AbsolutePath.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)))
        {
            return "helm";
        }
        return null;
    }

    /// <summary>Host of a bare host name, host:port or URL; lower case.</summary>
    public static string? HostOf(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host.ToLowerInvariant() : null;
        }
        var host = trimmed.Split('/')[0];
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.Contains(']', StringComparison.Ordinal) && host.Count(c => c == ':') == 1)
        {
            host = host[..colon];
        }
        return host.Length > 0 && host.All(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '[' or ']') ? host.ToLowerInvariant() : null;
    }
}

internal static class CsvHeads
{
    /// <summary>The first line, lower case, spaces and dashes as underscores; empty when it does not look like CSV.</summary>
    public static string FirstLine(ReadOnlySpan<byte> payload)
    {
        var head = JsonPayload.WithoutBom(payload);
        if (head.Length > 2048)
        {
            head = head[..2048];
        }
        var text = System.Text.Encoding.UTF8.GetString(head);
        var end = text.IndexOfAny(['\r', '\n']);
        var line = (end < 0 ? text : text[..end]).Trim();
        if (line.Length == 0 || line[0] is '{' or '[' or '<' || !(line.Contains(',') || line.Contains(';')))
        {
            return "";
        }
        return line.ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
    }
}
