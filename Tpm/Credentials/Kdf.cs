using System.Buffers.Binary;
using System.Text;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The two key derivation functions of TPM 2.0 (Part 1, 11.4.10). Labels are ASCII strings given without their
/// terminator: the TPM always hashes the label followed by one 0x00 byte ("STORAGE" → 53544F5241474500).
/// </summary>
public static class Kdf
{
    /// <summary>
    /// KDFa: SP800-108 counter mode with HMAC (Part 1, 11.4.10.2). Block i (from 1) is
    /// HMAC_hash(key, [i]32 ‖ label ‖ 0x00 ‖ contextU ‖ contextV ‖ [bits]32); the blocks are concatenated and
    /// cut to <paramref name="bits"/>; when bits is not a multiple of 8 the excess high bits of the first byte are
    /// cleared (the TPM keeps the low-order bits).
    /// </summary>
    public static byte[] KdfA(TpmAlgorithm hash, ReadOnlySpan<byte> key, string label,
        ReadOnlySpan<byte> contextU, ReadOnlySpan<byte> contextV, int bits)
    {
        int digestSize = RequireHash(hash, bits);
        var labelBytes = EncodeLabel(label);
        var block = new byte[4 + labelBytes.Length + contextU.Length + contextV.Length + 4];
        labelBytes.CopyTo(block.AsSpan(4));
        contextU.CopyTo(block.AsSpan(4 + labelBytes.Length));
        contextV.CopyTo(block.AsSpan(4 + labelBytes.Length + contextU.Length));
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(block.Length - 4), (uint)bits);

        var output = new byte[(bits + 7) / 8];
        for (uint counter = 1, written = 0; written < output.Length; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block, counter);
            var digest = TpmHash.Hmac(hash, key, block);
            int take = Math.Min(digestSize, output.Length - (int)written);
            digest.AsSpan(0, take).CopyTo(output.AsSpan((int)written));
            written += (uint)take;
        }
        MaskExcessBits(output, bits);
        return output;
    }

    /// <summary>
    /// KDFe: the SP800-56A concatenation KDF (Part 1, 11.4.10.3). Block i (from 1) is
    /// H_hash([i]32 ‖ Z ‖ label ‖ 0x00 ‖ partyUInfo ‖ partyVInfo), concatenated and cut to <paramref name="bits"/>.
    /// For ECC secret sharing Z is the x-coordinate of the shared point, partyU the ephemeral key's x and
    /// partyV the receiving key's x.
    /// </summary>
    public static byte[] KdfE(TpmAlgorithm hash, ReadOnlySpan<byte> z, string label,
        ReadOnlySpan<byte> partyUInfo, ReadOnlySpan<byte> partyVInfo, int bits)
    {
        int digestSize = RequireHash(hash, bits);
        var labelBytes = EncodeLabel(label);
        var block = new byte[4 + z.Length + labelBytes.Length + partyUInfo.Length + partyVInfo.Length];
        int at = 4;
        z.CopyTo(block.AsSpan(at));
        at += z.Length;
        labelBytes.CopyTo(block.AsSpan(at));
        at += labelBytes.Length;
        partyUInfo.CopyTo(block.AsSpan(at));
        partyVInfo.CopyTo(block.AsSpan(at + partyUInfo.Length));

        var output = new byte[(bits + 7) / 8];
        for (uint counter = 1, written = 0; written < output.Length; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block, counter);
            var digest = TpmHash.Compute(hash, block);
            int take = Math.Min(digestSize, output.Length - (int)written);
            digest.AsSpan(0, take).CopyTo(output.AsSpan((int)written));
            written += (uint)take;
        }
        MaskExcessBits(output, bits);
        return output;
    }

    /// <summary>The label as the TPM hashes it: its ASCII bytes and a terminating 0x00.</summary>
    public static byte[] EncodeLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        foreach (var c in label)
            if (c is '\0' or > '\x7f')
                throw new ArgumentException($"KDF label '{label}' must be ASCII without NUL characters (the terminator is added here)", nameof(label));
        var bytes = new byte[label.Length + 1];
        Encoding.ASCII.GetBytes(label, bytes);
        return bytes;
    }

    private static int RequireHash(TpmAlgorithm hash, int bits)
    {
        if (!TpmHash.IsComputable(hash) || hash is TpmAlgorithm.Sha3_256 or TpmAlgorithm.Sha3_384 or TpmAlgorithm.Sha3_512)
            throw new NotSupportedException($"KDF hash {TpmHash.Describe(hash)} is not supported (sha1, sha256, sha384 or sha512)");
        // The TPM limits a derivation to what a UINT32 bit count and a UINT32 counter allow; 64 KiB is far above any key.
        if (bits is <= 0 or > 8 * 65536)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "KDF output must be between 1 bit and 64 KiB");
        return TpmHash.DigestSize(hash);
    }

    private static void MaskExcessBits(byte[] output, int bits)
    {
        if (bits % 8 != 0)
            output[0] &= (byte)((1 << (bits % 8)) - 1);
    }
}
