using System.Security.Cryptography;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>
/// Just enough of TPMS_ATTEST and TPMT_SIGNATURE to check a quote in the device tests. The real verifier lives in
/// Tpm/Evidence; this is deliberately minimal and independent of it.
/// </summary>
public static class QuoteChecks
{
    public sealed record AttestHead(uint Magic, ushort Type, byte[] QualifiedSigner, byte[] ExtraData);

    public static AttestHead ReadHead(byte[] attest)
    {
        var reader = new TpmReader(attest, "TPMS_ATTEST (test)");
        uint magic = reader.ReadUInt32("magic");
        ushort type = reader.ReadUInt16("type");
        var signer = reader.ReadSized("qualifiedSigner").ToArray();
        var extra = reader.ReadSized("extraData").ToArray();
        return new AttestHead(magic, type, signer, extra);
    }

    /// <summary>Verifies RSASSA-PKCS1-v1_5 or ECDSA (r‖s) over SHA-256 of the attest bytes with .NET's own crypto.</summary>
    public static bool VerifySignature(TpmPublic ak, byte[] attest, byte[] signature)
    {
        var reader = new TpmReader(signature, "TPMT_SIGNATURE (test)");
        var alg = (TpmAlgorithm)reader.ReadUInt16("sigAlg");
        var hash = (TpmAlgorithm)reader.ReadUInt16("hash");
        Assert.Equal(TpmAlgorithm.Sha256, hash);
        switch (alg)
        {
            case TpmAlgorithm.RsaSsa:
                var sig = reader.ReadSized("sig").ToArray();
                using (var rsa = ak.ToRsa())
                    return rsa.VerifyData(attest, sig, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case TpmAlgorithm.EcDsa:
                var r = LeftPad(reader.ReadSized("r").ToArray(), 32);
                var s = LeftPad(reader.ReadSized("s").ToArray(), 32);
                byte[] rs = [.. r, .. s];
                using (var ecdsa = ak.ToEcdsa())
                    return ecdsa.VerifyData(attest, rs, HashAlgorithmName.SHA256);
            default:
                throw new InvalidOperationException($"unexpected signature algorithm {alg}");
        }
    }

    private static byte[] LeftPad(byte[] value, int size) => value.Length >= size ? value : [.. new byte[size - value.Length], .. value];
}
