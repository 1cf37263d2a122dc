namespace K8Posture.Features.Ingestion;

/// <summary>
/// Turns one tool's raw output into normalised findings. Implementations are stateless singletons;
/// register them with <see cref="IngestionRegistration.AddScanParser{TParser}"/> and the format detector picks them up.
/// </summary>
public interface IScanParser
{
    /// <summary>The <c>format=</c> value that selects this parser, e.g. "trivy-json".</summary>
    string Format { get; }

    /// <summary>Other <c>format=</c> values accepted for this parser, e.g. "trivy".</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>The tool that produced the report; stored as the findings' Source.</summary>
    string SourceTool { get; }

    /// <summary>Cheap content sniff; must tolerate truncated or malformed input (return false or true, never throw).</summary>
    bool CanParse(ReadOnlySpan<byte> payload);

    /// <exception cref="ScanParseException">The payload is malformed, truncated, or not this format.</exception>
    ScanParseResult Parse(ReadOnlyMemory<byte> payload);

    /// <summary>
    /// A report kept in a spool file (<see cref="ReportSpool"/>). Formats that cannot be read as a stream read it into memory
    /// whole and parse it as <see cref="Parse"/> does; Trivy JSON, the format of the largest reports, reads it as a stream.
    /// </summary>
    /// <exception cref="ScanParseException">As <see cref="Parse"/>.</exception>
    /// <exception cref="IngestRejectedException">The report is larger than one array holds (413).</exception>
    ScanParseResult ParseReport(IReportBytes report) => Parse(report.ReadAllBytes(Format));
}

/// <summary>Where and why a payload could not be parsed.</summary>
public sealed class ScanParseException(string message, string? pointer, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>JSON pointer ("/Results/0/Vulnerabilities/3") or "line N, position M".</summary>
    public string? Pointer { get; } = pointer;
}
