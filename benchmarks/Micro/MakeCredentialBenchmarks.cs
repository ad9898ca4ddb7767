using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>Software MakeCredential for an RSA-2048 EK (OAEP "IDENTITY") and a P-256 EK (ephemeral ECDH + KDFe).</summary>
[MemoryDiagnoser]
public class MakeCredentialBenchmarks
{
    private TpmPublic _rsaEk = null!;
    private TpmPublic _eccEk = null!;
    private readonly byte[] _akName = TpmName.Compute(TpmAlgorithm.Sha256, RandomNumberGenerator.GetBytes(300));
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    [GlobalSetup]
    public void Setup()
    {
        const TpmObjectAttributes ekAttributes = TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent
            | TpmObjectAttributes.SensitiveDataOrigin | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;
        using var rsa = RSA.Create(2048);
        _rsaEk = new TpmPublic
        {
            Type = TpmAlgorithm.Rsa, NameAlg = TpmAlgorithm.Sha256, Attributes = ekAttributes,
            Symmetric = TpmSymmetricDefinition.Aes128Cfb, RsaKeyBits = 2048, RsaModulus = rsa.ExportParameters(false).Modulus!,
        };
        using var ecc = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = ecc.ExportParameters(false).Q;
        _eccEk = new TpmPublic
        {
            Type = TpmAlgorithm.Ecc, NameAlg = TpmAlgorithm.Sha256, Attributes = ekAttributes,
            Symmetric = TpmSymmetricDefinition.Aes128Cfb, Curve = TpmEccCurve.NistP256, EccX = point.X!, EccY = point.Y!,
        };
    }

    [Benchmark(Baseline = true)]
    public EncryptedCredential MakeCredentialRsaEk() => CredentialMaker.MakeCredential(_rsaEk, _akName, _secret);

    [Benchmark]
    public EncryptedCredential MakeCredentialEccEk() => CredentialMaker.MakeCredential(_eccEk, _akName, _secret);
}
