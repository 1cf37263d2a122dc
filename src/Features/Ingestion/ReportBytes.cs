namespace K8Posture.Features.Ingestion;

/// <summary>
/// A received report's bytes, wherever they are kept: in memory (<see cref="PayloadBytes"/>) or in a spool file
/// (<see cref="ReportSpool"/>). Reads are positional and share no state, so several threads may read at once.
/// </summary>
public interface IReportBytes
{
    long Length { get; }

    /// <summary>Copies bytes from <paramref name="offset"/> into <paramref name="destination"/>; fewer only at the end.</summary>
    int ReadAt(long offset, Span<byte> destination);
}

/// <summary>A report held in memory.</summary>
public sealed class PayloadBytes(ReadOnlyMemory<byte> payload) : IReportBytes
{
    public long Length => payload.Length;

    public int ReadAt(long offset, Span<byte> destination)
    {
        if (offset >= payload.Length)
        {
            return 0;
        }
        var available = payload.Span[(int)offset..];
        var count = Math.Min(available.Length, destination.Length);
        available[..count].CopyTo(destination);
        return count;
    }
}

public static class ReportBytesExtensions
{
    /// <summary>The whole report in one array, for a parser that reads it as a document.</summary>
    /// <exception cref="IngestRejectedException">The report is larger than one array holds (413).</exception>
    public static byte[] ReadAllBytes(this IReportBytes bytes, string format)
    {
        if (bytes.Length > Array.MaxLength)
        {
            throw new IngestRejectedException("Payload too large",
                $"The {format} report is {bytes.Length} bytes; a {format} report is read into memory whole, which holds at most {Array.MaxLength} bytes. Split it.",
                StatusCodes.Status413PayloadTooLarge);
        }
        var all = GC.AllocateUninitializedArray<byte>((int)bytes.Length);
        bytes.ReadExactlyAt(0, all);
        return all;
    }

    /// <summary>Exactly <paramref name="destination"/>'s length from <paramref name="offset"/>.</summary>
    /// <exception cref="EndOfStreamException">The report ends first.</exception>
    public static void ReadExactlyAt(this IReportBytes bytes, long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var read = bytes.ReadAt(offset, destination);
            if (read == 0)
            {
                throw new EndOfStreamException($"The report ends at byte {offset}, before the {destination.Length} bytes asked for.");
            }
            offset += read;
            destination = destination[read..];
        }
    }
}
