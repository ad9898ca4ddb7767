using System.Numerics;
using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>Shared inputs for the evidence tests: vector quotes, synthetic PCR banks, a PSS signer with any salt.</summary>
internal static class EvidenceTestData
{
    public static readonly PcrSelection VectorSelection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16");

    /// <summary>An EK Name that no TPM has: nameAlg SHA-256 ‖ 32 fixed bytes.</summary>
    public static byte[] FakeEkName(byte fill = 0x5A) => [0x00, 0x0B, .. Enumerable.Repeat(fill, 32)];

    public static byte[] Nonce(byte seed = 1) => SHA256.HashData([seed, 0x4E, 0x4F]);

    /// <summary>A plausible PCR state: zeros except a few extended PCRs.</summary>
    public static PcrValues SyntheticValues(PcrSelection selection) => PcrValues.FromDigests(selection,
        selection.InDigestOrder().Select(p => p.Pcr is 7 or 16
            ? TpmHash.Compute(p.Hash, [.. new byte[TpmHash.DigestSize(p.Hash)], (byte)p.Pcr])
            : new byte[TpmHash.DigestSize(p.Hash)]).ToList());

    public static TpmsClockInfo Clock => new(123456, 4, 1, true);

    /// <summary>One vector quote (quote_K.msg/.sig/.pcrs with ak_K.pub) read in place.</summary>
    public static VectorQuote ReadVector(string k)
    {
        var pcrFile = TpmToolsPcrFile.Parse(SharedVectors.ReadBytes($"quote_{k}.pcrs"));
        return new VectorQuote(
            AttestationKeyPublic.Load(SharedVectors.ReadBytes($"ak_{k}.pub")),
            SharedVectors.ReadBytes($"quote_{k}.msg"),
            SharedVectors.ReadBytes($"quote_{k}.sig"),
            SharedVectors.ReadHex("nonce.hex"),
            pcrFile.Values,
            SharedVectors.ReadBytes("ek_rsa.name"));
    }

    public static QuoteVerificationRequest Request(SoftwareAttestationKey key, SoftwareQuote quote, byte[] nonce, PcrSelection selection, PcrValues values) => new()
    {
        AttestationKey = key.AttestationKey,
        EndorsementKeyName = key.EndorsementKeyName,
        Message = quote.Message,
        Signature = quote.Signature,
        Nonce = nonce,
        RequestedSelection = selection,
        PcrValues = values,
    };

    /// <summary>
    /// RSASSA-PSS with a chosen salt length (RFC 8017 9.1.1 + RSASP1 by BigInteger), because .NET only signs with
    /// salt = hash length. Uses our MGF1; .NET's and openssl's signatures cross-check that independently.
    /// </summary>
    public static byte[] SignPss(RSA key, TpmAlgorithm hash, ReadOnlySpan<byte> message, int saltLength)
    {
        var p = key.ExportParameters(includePrivateParameters: true);
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var d = new BigInteger(p.D, isUnsigned: true, isBigEndian: true);
        int k = p.Modulus!.Length;
        long emBits = n.GetBitLength() - 1;
        int emLen = (int)((emBits + 7) / 8);
        int hLen = TpmHash.DigestSize(hash);
        var mHash = TpmHash.Compute(hash, message);
        var salt = RandomNumberGenerator.GetBytes(saltLength);
        var h = TpmHash.Compute(hash, [.. new byte[8], .. mHash, .. salt]);
        var db = new byte[emLen - hLen - 1];
        db[db.Length - saltLength - 1] = 0x01;
        salt.CopyTo(db, db.Length - saltLength);
        var mask = new byte[db.Length];
        RsaPss.Mgf1(hash, h, mask);
        for (int i = 0; i < db.Length; i++)
            db[i] ^= mask[i];
        db[0] &= (byte)(0xFF >> (int)(8L * emLen - emBits));
        byte[] em = [.. db, .. h, 0xBC];
        var s = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), d, n);
        var signature = new byte[k];
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(signature, k - bytes.Length);
        return signature;
    }

    /// <summary>Runs tpm2_checkquote 5.4 (no TPM needed) on files in <paramref name="directory"/>; true when it accepts.</summary>
    public static async Task<(bool Accepted, string Output)> CheckQuoteAsync(string directory, string akPub, string msg, string sig, string pcrs, byte[] nonce)
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("tpm2_checkquote",
            ["-u", akPub, "-m", msg, "-s", sig, "-f", pcrs, "-g", "sha256", "-q", Convert.ToHexStringLower(nonce)], directory);
        return (exit == 0, stdout + stderr);
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "orleansattest-evidence-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
