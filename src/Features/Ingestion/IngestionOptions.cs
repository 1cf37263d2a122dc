namespace K8Posture.Features.Ingestion;

/// <summary>Configuration section "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Largest accepted push, after decompression when the body is gzip/deflate/br encoded; bigger bodies get 413.</summary>
    public long MaxPayloadBytes { get; set; } = 256L * 1024 * 1024;
}
