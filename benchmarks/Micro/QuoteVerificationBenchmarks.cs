using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// The verifier's work for one quote (DESIGN.md step 6 up to the PCR digest): AK checks, signature, structure,
/// qualifiedSigner, nonce, selection, digest. Compare the RSA figure with `openssl speed rsa2048` verify/s.
/// </summary>
[MemoryDiagnoser]
public class QuoteVerificationBenchmarks
{
    private QuoteVerificationRequest _rsa = null!;
    private QuoteVerificationRequest _ecc = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ekName = TpmName.Compute(TpmAlgorithm.Sha256, RandomNumberGenerator.GetBytes(300));
        _rsa = MakeRequest(SoftwareAttestationKey.CreateRsa(ekName), ekName);
        _ecc = MakeRequest(SoftwareAttestationKey.CreateEcc(ekName), ekName);
        // A benchmark of a failing path would measure the wrong thing.
        foreach (var request in new[] { _rsa, _ecc })
            if (QuoteVerifier.Default.Verify(request) is { IsValid: false } verdict)
                throw new InvalidOperationException($"benchmark quote does not verify: {verdict}");
    }

    [Benchmark(Baseline = true)]
    public QuoteVerdict VerifyRsaQuote() => QuoteVerifier.Default.Verify(_rsa);

    [Benchmark]
    public QuoteVerdict VerifyEccQuote() => QuoteVerifier.Default.Verify(_ecc);

    /// <summary>The same RSA quote with the AK parsed afresh: what a verifier pays when it does not keep the AK per node.</summary>
    [Benchmark]
    public QuoteVerdict VerifyRsaQuoteColdKey() => QuoteVerifier.Default.Verify(_rsa with
    {
        AttestationKey = AttestationKeyPublic.FromTpmPublic(_rsa.AttestationKey.TpmPublic!),
    });

    /// <summary>
    /// The same ECC quote with the AK parsed afresh. Against <see cref="VerifyEccQuote"/> this is the CPU a node grain
    /// saves by keeping its AK's OpenSSL key, which costs native memory per node instead (see benchmarks/README.md).
    /// </summary>
    [Benchmark]
    public QuoteVerdict VerifyEccQuoteColdKey() => QuoteVerifier.Default.Verify(_ecc with
    {
        AttestationKey = AttestationKeyPublic.FromTpmPublic(_ecc.AttestationKey.TpmPublic!),
    });

    private static QuoteVerificationRequest MakeRequest(SoftwareAttestationKey ak, byte[] ekName)
    {
        var selection = PcrSelection.Single(TpmAlgorithm.Sha256, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14);
        var values = PcrValues.FromDigests(selection, selection.InDigestOrder().Select(_ => RandomNumberGenerator.GetBytes(32)).ToList());
        var nonce = RandomNumberGenerator.GetBytes(32);
        var quote = ak.Quote(nonce, selection, values, new TpmsClockInfo(123456, 1, 0, true));
        return new QuoteVerificationRequest
        {
            AttestationKey = ak.AttestationKey,
            EndorsementKeyName = ekName,
            Message = quote.Message,
            Signature = quote.Signature,
            Nonce = nonce,
            RequestedSelection = selection,
            PcrValues = values,
        };
    }
}
