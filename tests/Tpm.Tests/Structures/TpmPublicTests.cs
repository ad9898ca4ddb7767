using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Structures;

public sealed class TpmPublicTests
{
    [Theory]
    [InlineData("ek_rsa.pub", "ek_rsa.name")]
    [InlineData("ak_rsa.pub", "ak_rsa.name")]
    [InlineData("ak_ecc.pub", "ak_ecc.name")]
    [InlineData("ak_pss.pub", "ak_pss.name")]
    public void Vector_public_areas_round_trip_and_give_the_recorded_name(string pub, string name)
    {
        var bytes = SharedVectors.ReadBytes(pub);
        var parsed = TpmPublic.ParseSized(bytes);
        Assert.Equal(SharedVectors.ReadBytes(name), parsed.ComputeName());
        // Re-marshalling a copy (no cached input bytes) gives the same bytes.
        var rebuilt = parsed with { AuthPolicy = parsed.AuthPolicy.ToArray() };
        Assert.Equal(bytes, rebuilt.ToSizedBytes());
    }

    [Fact]
    public void A_modified_copy_never_reuses_the_original_bytes_or_name()
    {
        var original = TpmPublic.Parse(new TpmPublic
        {
            Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256,
            Attributes = TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign, RsaKeyBits = 2048, RsaModulus = new byte[256],
        }.ToBytes());
        var weakened = original with { Attributes = TpmObjectAttributes.Sign };
        Assert.NotEqual(original.ToBytes(), weakened.ToBytes());
        Assert.NotEqual(original.ComputeName(), weakened.ComputeName());
        Assert.Equal(TpmObjectAttributes.Sign, TpmPublic.Parse(weakened.ToBytes()).Attributes);
    }

    [Fact]
    public void Changing_the_returned_bytes_cannot_change_the_public_area_or_its_name()
    {
        var original = TpmPublic.Parse(new TpmPublic
        {
            Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256,
            Attributes = TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign, RsaKeyBits = 2048, RsaModulus = new byte[256],
        }.ToBytes());
        var name = original.ComputeName();
        var bytes = original.ToBytes();
        bytes.AsSpan().Fill(0xff);
        Assert.Equal(name, original.ComputeName());
        Assert.NotEqual(bytes, original.ToBytes());
        Assert.True(original.AsSpan().SequenceEqual(original.ToBytes()));
    }

    [Fact]
    public void Marshalled_template_parses_back_to_an_equal_public_area()
    {
        var original = new TpmPublic
        {
            Type = TpmAlgorithm.Ecc,
            NameAlg = TpmAlgorithm.Sha256,
            Attributes = TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
                | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign,
            Scheme = TpmAlgorithm.EcDsa,
            SchemeHash = TpmAlgorithm.Sha256,
            Curve = TpmEccCurve.NistP256,
            EccX = new byte[32],
            EccY = new byte[32],
        };
        var parsed = TpmPublic.ParseSized(original.ToSizedBytes());
        Assert.Equal(original.ToBytes(), parsed.ToBytes());
        Assert.Equal(TpmEccCurve.NistP256, parsed.Curve);
        Assert.Equal(TpmAlgorithm.EcDsa, parsed.Scheme);
        Assert.Equal(original.ComputeName(), parsed.ComputeName());
    }

    [Fact]
    public void Unknown_object_type_is_refused_with_the_field_named()
    {
        var bytes = new TpmWriter().WriteUInt16(0x0002).WriteUInt16(0x000B).WriteUInt32(0).WriteSized([]).ToArray();
        var error = Assert.Throws<TpmParseException>(() => TpmPublic.Parse(bytes));
        Assert.Contains("type 0x0002", error.Message);
    }

    [Fact]
    public void Parser_survives_fuzzing()
    {
        var seeds = new List<byte[]>
        {
            new TpmPublic
            {
                Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256,
                Attributes = TpmObjectAttributes.FixedTpm | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt,
                AuthPolicy = new byte[32], Symmetric = TpmSymmetricDefinition.Aes128Cfb, RsaKeyBits = 2048, RsaModulus = new byte[256],
            }.ToSizedBytes(),
            new TpmPublic
            {
                Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Sha256, Attributes = TpmObjectAttributes.Sign,
                Scheme = TpmAlgorithm.EcDaa, SchemeHash = TpmAlgorithm.Sha256, SchemeDetail = 1,
                Curve = TpmEccCurve.NistP256, KdfScheme = TpmAlgorithm.Kdf1Sp800_56A, KdfHash = TpmAlgorithm.Sha256,
                EccX = new byte[32], EccY = new byte[32],
            }.ToSizedBytes(),
            new TpmPublic
            {
                Type = TpmAlgorithm.KeyedHash, NameAlg = TpmAlgorithm.Sha1, Attributes = 0,
                Scheme = TpmAlgorithm.Xor, SchemeHash = TpmAlgorithm.Sha256, SchemeDetail = (ushort)TpmAlgorithm.Kdf1Sp800_108,
                UniqueDigest = new byte[20],
            }.ToSizedBytes(),
        };
        var report = ParserFuzz.Run<TpmParseException>("TPM2B_PUBLIC", seeds, bytes => TpmPublic.ParseSized(bytes));
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
    }
}
