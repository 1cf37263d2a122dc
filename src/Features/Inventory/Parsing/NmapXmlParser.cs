using System.Globalization;
using System.Xml;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>
/// nmap XML (<c>-oX</c>). Every host is examined; one with an open Kubernetes-looking port (<see cref="KubernetesPorts"/>)
/// becomes a discovered endpoint. Untrusted XML: the DOCTYPE nmap itself writes (<c>&lt;!DOCTYPE nmaprun&gt;</c>) is
/// skipped, never processed, and no resolver is set, so external entities (XXE) and entity expansion cannot happen —
/// an entity reference is an error. (DtdProcessing.Prohibit would refuse nmap's own DOCTYPE line.)
/// </summary>
public sealed class NmapXmlParser : IInventoryParser
{
    public string Format => "nmap-xml";
    public IReadOnlyList<string> Aliases => ["nmap", "xml"];

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = 512L * 1024 * 1024,
    };

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var head = JsonPayload.WithoutBom(payload);
        if (head.Length > 4096)
        {
            head = head[..4096];
        }
        var text = System.Text.Encoding.UTF8.GetString(head);
        return text.TrimStart().StartsWith('<') && text.Contains("<nmaprun", StringComparison.Ordinal);
    }

    public InventoryParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        var endpoints = new List<ParsedEndpoint>();
        var hosts = 0;
        var sawRoot = false;
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        using var reader = XmlReader.Create(stream, Settings);
        var lineInfo = (IXmlLineInfo)reader;
        try
        {
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }
                if (!sawRoot)
                {
                    if (reader.LocalName != "nmaprun")
                    {
                        throw new ScanParseException($"An nmap XML report starts with <nmaprun>, not <{reader.LocalName}> (line {lineInfo.LineNumber}).", Where(lineInfo));
                    }
                    sawRoot = true;
                    continue;
                }
                if (reader.LocalName == "host" && reader.Depth == 1)
                {
                    hosts++;
                    var line = lineInfo.LineNumber;
                    var endTime = reader.GetAttribute("endtime") ?? reader.GetAttribute("starttime");
                    using var hostReader = reader.ReadSubtree();
                    if (ReadHost(hostReader, endTime, line) is { } endpoint)
                    {
                        endpoints.Add(endpoint);
                    }
                }
            }
        }
        catch (XmlException ex)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"line {ex.LineNumber}, position {ex.LinePosition}");
            throw new ScanParseException($"The nmap XML is malformed at {where}: {ex.Message}", where, ex);
        }
        if (!sawRoot)
        {
            throw new ScanParseException("The payload has no <nmaprun> element; send nmap's -oX output.", "line 1, position 1");
        }
        return new InventoryParseResult(Format) { Endpoints = endpoints, Examined = hosts, Ignored = hosts - endpoints.Count };
    }

    private static ParsedEndpoint? ReadHost(XmlReader reader, string? endTime, int line)
    {
        string? address = null;
        var hostnames = new List<string>();
        var hits = new List<KubernetesPortHit>();
        var hostUp = true;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            switch (reader.LocalName)
            {
                case "status":
                    hostUp = reader.GetAttribute("state") is null or "up";
                    break;
                case "address":
                    if (reader.GetAttribute("addrtype") is not "mac")
                    {
                        address ??= reader.GetAttribute("addr");
                    }
                    break;
                case "hostname":
                    if (reader.GetAttribute("name") is { Length: > 0 } name && !hostnames.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        hostnames.Add(name);
                    }
                    break;
                case "port":
                    var protocol = reader.GetAttribute("protocol") ?? "tcp";
                    if (!int.TryParse(reader.GetAttribute("portid"), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    {
                        throw new ScanParseException($"A <port> of the host at line {line} has no numeric portid.", $"line {((IXmlLineInfo)reader).LineNumber}");
                    }
                    string? state = null, service = null;
                    using (var portReader = reader.ReadSubtree())
                    {
                        while (portReader.Read())
                        {
                            if (portReader.NodeType != XmlNodeType.Element)
                            {
                                continue;
                            }
                            if (portReader.LocalName == "state")
                            {
                                state = portReader.GetAttribute("state");
                            }
                            else if (portReader.LocalName == "service")
                            {
                                service = string.Join(' ', new[] { portReader.GetAttribute("name"), portReader.GetAttribute("product"), portReader.GetAttribute("version") }.Where(s => !string.IsNullOrWhiteSpace(s)));
                            }
                        }
                    }
                    if (state == "open" && KubernetesPorts.Classify(port, protocol, string.IsNullOrEmpty(service) ? null : service) is { } hit)
                    {
                        hits.Add(hit);
                    }
                    break;
            }
        }
        if (!hostUp || address is null || hits.Count == 0)
        {
            return null;
        }
        DateTimeOffset? seen = long.TryParse(endTime, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch > 0
            ? DateTimeOffset.FromUnixTimeSeconds(epoch)
            : null;
        return new ParsedEndpoint(address, hostnames, hits, seen);
    }

    private static string Where(IXmlLineInfo info) => string.Create(CultureInfo.InvariantCulture, $"line {info.LineNumber}, position {info.LinePosition}");
}
