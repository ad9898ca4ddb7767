using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class TpmtSignatureTests
{
    [Theory]
    [InlineData("rsa", TpmAlgorithm.RsaSsa)]
    [InlineData("pss", TpmAlgorithm.RsaPss)]
    [InlineData("ecc", TpmAlgorithm.EcDsa)]
    public void Vector_signatures_parse_and_marshal_back_exactly(string k, TpmAlgorithm scheme)
    {
        var bytes = SharedVectors.ReadBytes($"quote_{k}.sig");
        var signature = TpmtSignature.Parse(bytes);
        Assert.Equal(scheme, signature.Algorithm);
        Assert.Equal(TpmAlgorithm.Sha256, signature.Hash);
        if (signature.IsRsa)
            Assert.Equal(256, signature.RsaSignature.Length);
        else
            Assert.Equal((32, 32), (signature.EccR.Length, signature.EccS.Length));
        Assert.Equal(bytes, signature.ToBytes());
    }

    [Fact]
    public void Ecdsa_r_and_s_are_the_ones_tpm2_tools_printed_in_der()
    {
        var signature = TpmtSignature.Parse(SharedVectors.ReadBytes("quote_ecc.sig"));
        // quote_ecc.yaml: sig: 3044 0220 <r> 0220 <s>
        Assert.Equal(Convert.FromHexString("03bc90d9dc993616ea913408d54ebf76800925779a55d541dafcddc7b0f1c8dc"), signature.EccR);
        Assert.Equal(Convert.FromHexString("407795135179d3eb97cd6917a3a16969b6c1adcb6cfbafc18f3d647dba7c23ad"), signature.EccS);
    }

    [Fact]
    public void Every_shape_round_trips()
    {
        TpmtSignature[] all =
        [
            TpmtSignature.Rsassa(TpmAlgorithm.Sha384, [1, 2, 3]),
            TpmtSignature.Rsapss(TpmAlgorithm.Sha512, new byte[256]),
            TpmtSignature.Ecdsa(TpmAlgorithm.Sha256, [9], new byte[32]),
            new() { Algorithm = TpmAlgorithm.EcSchnorr, Hash = TpmAlgorithm.Sha256, EccR = [1], EccS = [2] },
            new() { Algorithm = TpmAlgorithm.Hmac, Hash = TpmAlgorithm.Sha1, HmacDigest = new byte[20] },
            TpmtSignature.Null,
        ];
        foreach (var signature in all)
        {
            var parsed = TpmtSignature.Parse(signature.ToBytes());
            Assert.Equal(signature.ToBytes(), parsed.ToBytes());
            Assert.Equal(signature.Algorithm, parsed.Algorithm);
        }
        Assert.Equal([0x00, 0x10], TpmtSignature.Null.ToBytes());
    }

    [Theory]
    [InlineData("0001000b0000", "sigAlg 0x0001")]           // RSA is a key type, not a scheme
    [InlineData("00140010000100", "not a hash")]            // RSASSA with hash NULL
    [InlineData("0014000b0201" , "signature.rsa.sig")]      // 513-byte signature
    [InlineData("0018000b00430000", "signatureR")]          // r longer than P-521
    [InlineData("0005000b0102", "signature.hmac.digest")]   // HMAC digest truncated
    public void Malformed_signatures_are_refused_with_the_field_named(string hex, string expected)
    {
        var error = Assert.Throws<TpmParseException>(() => TpmtSignature.Parse(Convert.FromHexString(hex)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parser_survives_fuzzing()
    {
        var seeds = new List<byte[]>
        {
            TpmtSignature.Rsassa(TpmAlgorithm.Sha256, new byte[256]).ToBytes(),
            TpmtSignature.Ecdsa(TpmAlgorithm.Sha384, new byte[48], new byte[48]).ToBytes(),
            new TpmtSignature { Algorithm = TpmAlgorithm.Hmac, Hash = TpmAlgorithm.Sha256, HmacDigest = new byte[32] }.ToBytes(),
        };
        if (SharedVectors.Directory is not null)
            seeds.Add(SharedVectors.ReadBytes("quote_pss.sig"));
        var report = ParserFuzz.Run<TpmParseException>("TPMT_SIGNATURE", seeds, bytes => TpmtSignature.Parse(bytes));
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
    }
}
