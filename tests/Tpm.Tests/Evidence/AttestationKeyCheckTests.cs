using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class AttestationKeyCheckTests
{
    [Theory]
    [InlineData("ak_rsa.pub")]
    [InlineData("ak_pss.pub")]
    [InlineData("ak_ecc.pub")]
    public void Vector_aks_made_by_tpm2_createak_are_attestation_keys(string file)
    {
        var ak = TpmPublic.ParseSized(SharedVectors.ReadBytes(file));
        Assert.Empty(AttestationKeyCheck.Check(ak));
        Assert.True(AttestationKeyCheck.IsAttestationKey(ak));
    }

    [Fact]
    public void Vector_ek_is_not_an_attestation_key()
    {
        var ek = TpmPublic.ParseSized(SharedVectors.ReadBytes("ek_rsa.pub"));
        var flaws = AttestationKeyCheck.Check(ek).Select(p => p.Flaw).ToList();
        Assert.Contains(AttestationKeyFlaw.Decrypt, flaws);
        Assert.Contains(AttestationKeyFlaw.NotSign, flaws);
        Assert.Contains(AttestationKeyFlaw.NoSigningScheme, flaws);
    }

    [Fact]
    public void Software_aks_are_attestation_keys()
    {
        using var rsa = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
        using var ecc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        Assert.Empty(AttestationKeyCheck.Check(rsa.Public));
        Assert.Empty(AttestationKeyCheck.Check(ecc.Public));
    }

    [Theory]
    [InlineData(TpmObjectAttributes.FixedTpm, AttestationKeyFlaw.NotFixedTpm, "not fixedTPM")]
    [InlineData(TpmObjectAttributes.FixedParent, AttestationKeyFlaw.NotFixedParent, "not fixedParent")]
    [InlineData(TpmObjectAttributes.SensitiveDataOrigin, AttestationKeyFlaw.NotSensitiveDataOrigin, "not sensitiveDataOrigin")]
    [InlineData(TpmObjectAttributes.Restricted, AttestationKeyFlaw.NotRestricted, "AK is not restricted: it could sign data that merely looks like a TPM quote")]
    [InlineData(TpmObjectAttributes.Sign, AttestationKeyFlaw.NotSign, "does not have the sign attribute")]
    public void Each_missing_attribute_is_its_own_flaw(TpmObjectAttributes missing, AttestationKeyFlaw flaw, string text)
    {
        var key = RsaAk(SoftwareAttestationKey.AkAttributes & ~missing);
        var problem = Assert.Single(AttestationKeyCheck.Check(key));
        Assert.Equal(flaw, problem.Flaw);
        Assert.Contains(text, problem.Detail);
    }

    [Fact]
    public void Decrypt_set_is_a_flaw()
    {
        var problem = Assert.Single(AttestationKeyCheck.Check(RsaAk(SoftwareAttestationKey.AkAttributes | TpmObjectAttributes.Decrypt)));
        Assert.Equal(AttestationKeyFlaw.Decrypt, problem.Flaw);
        Assert.Contains("decrypt", problem.Detail);
    }

    [Fact]
    public void Key_strength_scheme_and_hashes_are_checked()
    {
        Assert.Equal([AttestationKeyFlaw.RsaKeyTooSmall], Flaws(RsaAk(bits: 1024)));
        Assert.Equal([AttestationKeyFlaw.CurveNotAllowed], Flaws(EccAk(TpmEccCurve.BnP256)));
        Assert.Equal([AttestationKeyFlaw.NoSigningScheme], Flaws(RsaAk(scheme: TpmAlgorithm.Null)));
        Assert.Equal([AttestationKeyFlaw.SchemeNotAllowed], Flaws(RsaAk(scheme: TpmAlgorithm.EcDsa)));
        Assert.Equal([AttestationKeyFlaw.SchemeHashNotAllowed], Flaws(RsaAk(hash: TpmAlgorithm.Sha1)));
        Assert.Equal([AttestationKeyFlaw.NameAlgNotAllowed], Flaws(RsaAk() with { NameAlg = TpmAlgorithm.Sha1 }));
        Assert.Equal([AttestationKeyFlaw.RsaModulusSizeMismatch], Flaws(RsaAk() with { RsaKeyBits = 3072 }));
        Assert.Equal([AttestationKeyFlaw.NotAnAsymmetricKey],
            Flaws(new TpmPublic { Type = TpmAlgorithm.KeyedHash, NameAlg = TpmAlgorithm.Sha256, Attributes = SoftwareAttestationKey.AkAttributes }));
        // A policy can allow what the default refuses.
        var lenient = QuotePolicy.Default with { AllowedHashes = new HashSet<TpmAlgorithm> { TpmAlgorithm.Sha1, TpmAlgorithm.Sha256 } };
        Assert.Empty(AttestationKeyCheck.Check(RsaAk(hash: TpmAlgorithm.Sha1), lenient));
    }

    [Fact]
    public void Several_flaws_are_all_reported()
    {
        var key = RsaAk(TpmObjectAttributes.Sign | TpmObjectAttributes.Decrypt, bits: 1024);
        var flaws = Flaws(key);
        Assert.Contains(AttestationKeyFlaw.NotRestricted, flaws);
        Assert.Contains(AttestationKeyFlaw.NotFixedTpm, flaws);
        Assert.Contains(AttestationKeyFlaw.Decrypt, flaws);
        Assert.Contains(AttestationKeyFlaw.RsaKeyTooSmall, flaws);
        Assert.Equal(flaws.Count, flaws.Distinct().Count());
    }

    [Fact]
    public void A_pem_key_is_checked_for_strength_only()
    {
        using var weak = RSA.Create(1024);
        var pem = AttestationKeyPublic.FromPem(weak.ExportSubjectPublicKeyInfoPem());
        Assert.False(pem.HasTpmPublicArea);
        Assert.Null(pem.ComputeName());
        Assert.Equal([AttestationKeyFlaw.RsaKeyTooSmall], AttestationKeyCheck.Check(pem).Select(p => p.Flaw));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Empty(AttestationKeyCheck.Check(AttestationKeyPublic.FromPem(p384.ExportSubjectPublicKeyInfoPem())));
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        Assert.Equal([AttestationKeyFlaw.CurveNotAllowed], AttestationKeyCheck.Check(AttestationKeyPublic.FromPem(p521.ExportSubjectPublicKeyInfoPem())).Select(p => p.Flaw));
    }

    private static List<AttestationKeyFlaw> Flaws(TpmPublic key) => AttestationKeyCheck.Check(key).Select(p => p.Flaw).ToList();

    /// <summary>An RSA public area built fresh (not with `with` from a parsed one, so nothing cached is reused).</summary>
    private static TpmPublic RsaAk(TpmObjectAttributes attributes = SoftwareAttestationKey.AkAttributes, int bits = 2048,
        TpmAlgorithm scheme = TpmAlgorithm.RsaSsa, TpmAlgorithm hash = TpmAlgorithm.Sha256) => new()
    {
        Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256, Attributes = attributes,
        Scheme = scheme, SchemeHash = scheme == TpmAlgorithm.Null ? TpmAlgorithm.Null : hash,
        RsaKeyBits = (ushort)bits, RsaModulus = RandomNumberGenerator.GetBytes(bits / 8),
    };

    private static TpmPublic EccAk(TpmEccCurve curve) => new()
    {
        Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Sha256, Attributes = SoftwareAttestationKey.AkAttributes,
        Scheme = TpmAlgorithm.EcDsa, SchemeHash = TpmAlgorithm.Sha256, Curve = curve, EccX = new byte[32], EccY = new byte[32],
    };
}
