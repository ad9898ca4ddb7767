using System.Security.Cryptography;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class EkPublicHashTests
{
    [Fact]
    public void Hash_is_SHA256_of_the_TPMT_PUBLIC_without_the_size_prefix()
    {
        using var key = RSA.Create(2048);
        var ek = TestEkCa.RsaEkPublic(key);
        var pubFile = ek.ToSizedBytes(); // what `tpm2_readpublic -o ek.pub` writes
        var expected = Convert.ToHexStringLower(SHA256.HashData(pubFile.AsSpan(2)));
        Assert.Equal(expected, EkPublicHash.Compute(ek));
        Assert.Equal(64, expected.Length);
        // With nameAlg SHA-256 it is the Name's digest.
        Assert.Equal("000b" + expected, Convert.ToHexStringLower(ek.ComputeName()));
    }

    [Fact]
    public void Declared_hashes_match_in_any_case_and_other_keys_do_not()
    {
        using var key = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var ek = TestEkCa.RsaEkPublic(key);
        var hash = EkPublicHash.Compute(ek);
        Assert.True(EkPublicHash.Matches(ek, hash.ToUpperInvariant()));
        Assert.True(EkPublicHash.Matches(ek, " " + hash + "\n"));
        Assert.False(EkPublicHash.Matches(TestEkCa.RsaEkPublic(other), hash));
        // Same key, different template (no authPolicy): a different EK public, so a different hash.
        var otherTemplate = new OrleansAttest.Tpm.Structures.TpmPublic
        {
            Type = ek.Type, NameAlg = ek.NameAlg, Attributes = ek.Attributes, Symmetric = ek.Symmetric,
            RsaKeyBits = ek.RsaKeyBits, RsaModulus = ek.RsaModulus,
        };
        Assert.False(EkPublicHash.Matches(otherTemplate, hash));
        Assert.Throws<FormatException>(() => EkPublicHash.Matches(ek, hash[..63]));
        Assert.Throws<FormatException>(() => EkPublicHash.Matches(ek, hash[..63] + "g"));
    }
}
