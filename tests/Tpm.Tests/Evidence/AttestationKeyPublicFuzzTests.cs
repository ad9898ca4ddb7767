using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>The AK public file `attestctl verify-quote --ak-public` reads: TPM2B_PUBLIC or PEM, both outside bytes.</summary>
public sealed class AttestationKeyPublicFuzzTests
{
    [Fact]
    public void Loader_survives_fuzzing_of_tpm_public_areas_and_pem_keys()
    {
        var ekName = TpmName.Compute(TpmAlgorithm.Sha256, [1, 2, 3]);
        using var rsa = SoftwareAttestationKey.CreateRsa(ekName);
        using var ecc = SoftwareAttestationKey.CreateEcc(ekName);
        using var pemKey = RSA.Create(2048);
        using var pemEcc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var seeds = new List<byte[]>
        {
            rsa.Public.ToSizedBytes(),
            ecc.Public.ToSizedBytes(),
            Encoding.ASCII.GetBytes(pemKey.ExportSubjectPublicKeyInfoPem()),
            Encoding.ASCII.GetBytes(pemKey.ExportRSAPublicKeyPem()),
            Encoding.ASCII.GetBytes(pemEcc.ExportSubjectPublicKeyInfoPem()),
        };
        var report = ParserFuzz.Run<TpmParseException>("AK public file", seeds, bytes => AttestationKeyPublic.Load(bytes), randomCases: 4000);
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
    }

    [Fact]
    public void Every_seed_loads_and_keeps_its_key()
    {
        var ekName = TpmName.Compute(TpmAlgorithm.Sha256, [1, 2, 3]);
        using var rsa = SoftwareAttestationKey.CreateRsa(ekName);
        var loaded = AttestationKeyPublic.Load(rsa.Public.ToSizedBytes());
        Assert.Equal(AttestationKeyFormat.TpmPublicArea, loaded.Format);
        Assert.Equal(rsa.Name, loaded.ComputeName());
    }
}
