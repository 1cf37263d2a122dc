using K8Posture.Shared;

namespace K8Posture.Features.Ingestion;

/// <summary>Picks the parser for a payload: by <c>format=</c> when given, else by content.</summary>
public sealed class ScanFormatDetector(IEnumerable<IScanParser> parsers)
{
    private readonly IReadOnlyList<IScanParser> _parsers = parsers.ToList();

    public IReadOnlyList<string> SupportedFormats => _parsers.Select(p => p.Format).ToList();

    /// <exception cref="IngestRejectedException">The named format is unknown (415), or no parser recognises the content (400).</exception>
    public IScanParser Select(ReadOnlySpan<byte> payload, string? format)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            var wanted = format.Trim();
            return _parsers.FirstOrDefault(p => p.Format.Equals(wanted, StringComparison.OrdinalIgnoreCase)
                    || p.Aliases.Any(a => a.Equals(wanted, StringComparison.OrdinalIgnoreCase)))
                ?? throw new IngestRejectedException("Unsupported scan format",
                    $"format={ColumnLengths.Clip(wanted, 100)} is not supported; use one of: {string.Join(", ", SupportedFormats)} (or leave format out to detect it from the content).",
                    StatusCodes.Status415UnsupportedMediaType);
        }
        foreach (var parser in _parsers)
        {
            if (parser.CanParse(payload))
            {
                return parser;
            }
        }
        throw new IngestRejectedException("Unrecognised scan format",
            $"The payload is not a scan report this service recognises; supported formats: {string.Join(", ", SupportedFormats)}. Pass format= if the content is truncated or unusual.");
    }
}
