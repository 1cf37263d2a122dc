using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>Picks the parser: by <c>format=</c> (name or alias), else by content.</summary>
public sealed class InventoryFormatDetector(IEnumerable<IInventoryParser> parsers)
{
    private readonly IReadOnlyList<IInventoryParser> _parsers = parsers.ToList();

    public IReadOnlyList<string> SupportedFormats => _parsers.Select(p => p.Format).ToList();

    public IInventoryParser? ByName(string format)
    {
        var wanted = format.Trim();
        return _parsers.FirstOrDefault(p => p.Format.Equals(wanted, StringComparison.OrdinalIgnoreCase)
            || p.Aliases.Any(a => a.Equals(wanted, StringComparison.OrdinalIgnoreCase)));
    }

    /// <exception cref="IngestRejectedException">Unknown format= (415) or content no parser recognises (400).</exception>
    public IInventoryParser Select(ReadOnlySpan<byte> payload, string? format)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            return ByName(format) ?? throw new IngestRejectedException("Unsupported inventory format",
                $"format={(format.Length > 100 ? format[..100] : format)} is not supported; use one of: {string.Join(", ", SupportedFormats)} (or leave format out to detect it from the content).",
                StatusCodes.Status415UnsupportedMediaType);
        }
        foreach (var parser in _parsers)
        {
            if (parser.CanParse(payload))
            {
                return parser;
            }
        }
        throw new IngestRejectedException("Unrecognised inventory format",
            $"The payload is none of the inventory formats ({string.Join(", ", SupportedFormats)}): expected az aks list / ARM ManagedClusters JSON, aws eks describe-cluster JSON, GKE clusters list JSON, nmap -oX XML, or a CSV with the documented header. Pass format= to say which.");
    }
}
