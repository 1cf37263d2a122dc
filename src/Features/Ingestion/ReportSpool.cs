using System.Buffers;
using System.Security.Cryptography;
using K8Posture.Shared;
using Microsoft.Win32.SafeHandles;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// A received report kept in a temporary file for the length of its push instead of in memory (docs/ARCHITECTURE.md,
/// Ingestion memory). Its sha256 is taken on the way in; the file is deleted when the spool is disposed, and by the
/// operating system if the process dies first (<see cref="FileOptions.DeleteOnClose"/>). Reads are positional
/// (<see cref="RandomAccess"/>), so the findings' keys can be read on all cores at once. Not memory-mapped: mapped pages
/// would count in the process's working set, which is what spooling is for.
/// </summary>
public sealed class ReportSpool : IReportBytes, IDisposable
{
    private const int BlockSize = 1024 * 1024;

    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;

    private ReportSpool(FileStream file, long length, string sha256)
    {
        _file = file;
        _handle = file.SafeFileHandle;
        Length = length;
        Sha256 = sha256;
        Path = file.Name;
    }

    public long Length { get; }

    /// <summary>Lower-case hex, as a batch stores it.</summary>
    public string Sha256 { get; }

    /// <summary>Where the file is (gone once the spool is disposed).</summary>
    public string Path { get; }

    /// <summary>A spool of <paramref name="body"/> to its end, in <paramref name="folder"/> (the temp folder when empty).</summary>
    /// <exception cref="BodyTooLargeException">More than <paramref name="limit"/> bytes in all; the file is gone.</exception>
    public static async Task<ReportSpool> WriteAsync(Stream body, long limit, string? folder, CancellationToken cancellationToken)
    {
        var directory = string.IsNullOrWhiteSpace(folder) ? System.IO.Path.GetTempPath() : folder;
        Directory.CreateDirectory(directory);
        var file = new FileStream(System.IO.Path.Combine(directory, "k8posture-report-" + Guid.NewGuid().ToString("N") + ".spool"), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            BufferSize = 0,
        });
        var block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            int read;
            while ((read = await body.ReadAsync(block.AsMemory(0, BlockSize), cancellationToken)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new BodyTooLargeException(limit);
                }
                sha256.AppendData(block, 0, read);
                await file.WriteAsync(block.AsMemory(0, read), cancellationToken);
            }
            await file.FlushAsync(cancellationToken);
            return new ReportSpool(file, length, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    public int ReadAt(long offset, Span<byte> destination) =>
        offset >= Length ? 0 : RandomAccess.Read(_handle, destination[..(int)Math.Min(destination.Length, Length - offset)], offset);

    public void Dispose() => _file.Dispose();
}
