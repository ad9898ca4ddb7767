using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// "ekPublicSha256", the way an operator declares a device by its EK without a certificate:
/// lower-case hex of SHA-256 over the marshalled TPMT_PUBLIC of the EK — the public area without the UINT16 size
/// of TPM2B_PUBLIC (so the bytes of a tpm2-tools *.pub file minus its first two bytes). The TPMT_PUBLIC includes
/// the attributes, authPolicy and symmetric definition, so the hash pins the key and its template. For an EK with
/// nameAlg SHA-256 (TCG templates L-1, L-2) it equals the Name without its 000b prefix, which `tpm2_readpublic`
/// prints as "name:".
/// </summary>
public static class EkPublicHash
{
    public static string Compute(TpmPublic ek)
    {
        ArgumentNullException.ThrowIfNull(ek);
        return Convert.ToHexStringLower(SHA256.HashData(ek.ToBytes()));
    }

    /// <summary>True when <paramref name="declared"/> (64 hex digits, any case, surrounding whitespace ignored) is the EK's hash.</summary>
    public static bool Matches(TpmPublic ek, string declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var text = declared.Trim();
        if (text.Length != 64 || !text.All(Uri.IsHexDigit))
            throw new FormatException($"ekPublicSha256 must be 64 hex digits, not '{declared}'");
        return string.Equals(Compute(ek), text, StringComparison.OrdinalIgnoreCase);
    }
}
