namespace K8Posture.Features.Ingestion;

/// <summary>Configuration section "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Largest accepted push, after decompression when the body is gzip/deflate/br encoded; bigger bodies get 413.</summary>
    public long MaxPayloadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// A scan report longer than this (after decompression) is kept in a temporary file for its push instead of in memory;
    /// Trivy JSON is then read from the file as a stream (docs/ARCHITECTURE.md, Ingestion memory).
    /// </summary>
    public long SpoolFromBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Where spooled reports are written (deleted after their push); the system's temp folder when empty.</summary>
    public string? SpoolFolder { get; set; }
}
