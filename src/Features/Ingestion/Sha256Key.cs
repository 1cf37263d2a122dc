using System.Buffers.Binary;
using System.Security.Cryptography;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// A sha256 as 32 bytes in a value. A push keeps one fingerprint and one content hash per finding while it works; as
/// 64-character hex strings those are ~300 bytes a finding (~300 MB for a 1,000,000-finding report), as this 64.
/// Hex is made only where a row is written or a stored one is read (<see cref="ToHex"/>, <see cref="TryParseHex"/>).
/// </summary>
public readonly record struct Sha256Key(ulong A, ulong B, ulong C, ulong D)
{
    public static Sha256Key FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A sha256 is {SHA256.HashSizeInBytes} bytes, not {hash.Length}.", nameof(hash));
        }
        return new(BinaryPrimitives.ReadUInt64BigEndian(hash), BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]), BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));
    }

    /// <summary>A stored fingerprint or content hash (lower-case hex, as <see cref="ToHex"/> writes it); false for anything else.</summary>
    public static bool TryParseHex(string? hex, out Sha256Key key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (hex is { Length: SHA256.HashSizeInBytes * 2 } && Convert.FromHexString(hex, hash, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == hash.Length)
        {
            key = FromHash(hash);
            return true;
        }
        key = default;
        return false;
    }

    public string ToHex()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64BigEndian(hash, A);
        BinaryPrimitives.WriteUInt64BigEndian(hash[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(hash[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(hash[24..], D);
        return Convert.ToHexStringLower(hash);
    }

    // A sha256 is uniformly distributed: any 32 bits of it are a good hash code.
    public override int GetHashCode() => (int)A;

    public bool Equals(Sha256Key other) => A == other.A && B == other.B && C == other.C && D == other.D;

    public override string ToString() => ToHex();
}
