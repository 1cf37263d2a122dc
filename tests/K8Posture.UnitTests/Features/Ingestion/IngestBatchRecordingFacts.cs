using K8Posture.Features.Ingestion;

namespace K8Posture.UnitTests.Features.Ingestion;

public sealed class IngestBatchRecordingFacts
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(262_144)]
    [InlineData(3_000_001)]
    public void A_payload_gzipped_and_gunzipped_is_the_same_bytes(int length)
    {
        // Random bytes do not compress, so the larger ones span several of the compressor's 256 KB segments.
        var payload = new byte[length];
        new Random(length).NextBytes(payload);

        var compressed = IngestBatchRecording.Gzip(payload);

        Assert.Equal(payload, IngestBatchRecording.Gunzip(compressed));
        if (length > 262_144)
        {
            Assert.True(compressed.Length > 262_144, $"{compressed.Length} bytes should span segments");
        }
    }
}
