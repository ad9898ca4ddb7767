using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class SoftwareAttestationKeyTests
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16");

    [Fact]
    public void Quote_message_is_a_spec_exact_tpms_attest()
    {
        using var key = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
        var nonce = EvidenceTestData.Nonce();
        var values = EvidenceTestData.SyntheticValues(Selection);
        var quote = key.Quote(nonce, Selection, values, new TpmsClockInfo(0x0A2BA0, 4, 0, false), 0x2019102300163636);

        // Same layout as the libtpms quote in ../shared/vectors: header, 34-byte qualifiedSigner, 32-byte nonce, ...
        Assert.Equal(145, quote.Message.Length);
        Assert.Equal(Convert.FromHexString("ff5443478018" + "0022"), quote.Message[..8]);
        Assert.Equal(key.QualifiedName, quote.Message[8..42]);
        Assert.Equal(Convert.FromHexString("0020"), quote.Message[42..44]);
        Assert.Equal(nonce, quote.Message[44..76]);
        Assert.Equal(Convert.FromHexString("00000000000a2ba0" + "00000004" + "00000000" + "00" + "2019102300163636" + "00000001000b03ff0001" + "0020"), quote.Message[76..113]);
        Assert.Equal(values.ComputeDigest(Selection, TpmAlgorithm.Sha256), quote.Message[113..]);

        var attest = new TpmsAttest
        {
            Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestQuote, QualifiedSigner = key.QualifiedName,
            ExtraData = nonce, ClockInfo = new TpmsClockInfo(0x0A2BA0, 4, 0, false), FirmwareVersion = 0x2019102300163636,
            Attested = new TpmsQuoteInfo(Selection, values.ComputeDigest(Selection, TpmAlgorithm.Sha256)),
        };
        Assert.Equal(attest.ToBytes(), quote.Message);
    }

    [Fact]
    public void Qualified_name_and_public_area_match_how_a_tpm_computes_them()
    {
        using var key = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var reparsed = TpmPublic.ParseSized(key.Public.ToSizedBytes());
        Assert.Equal(key.Name, reparsed.ComputeName());
        var qnEk = TpmName.Qualify(TpmAlgorithm.Sha256, [0x40, 0x00, 0x00, 0x0B], key.EndorsementKeyName);
        Assert.Equal(TpmName.Qualify(TpmAlgorithm.Sha256, qnEk, key.Name), key.QualifiedName);
        Assert.Equal(SoftwareAttestationKey.AkAttributes, reparsed.Attributes);
    }

    [Fact]
    public void Signature_size_is_exact_for_every_key_kind()
    {
        using var rsa = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName());
        using var p384 = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName(), TpmEccCurve.NistP384, TpmAlgorithm.Sha384);
        Assert.Equal(262, rsa.SignatureSize);
        Assert.Equal(4 + 2 * (2 + 48), p384.SignatureSize);
        var signature = TpmtSignature.Parse(p384.Sign("x"u8));
        Assert.Equal(TpmAlgorithm.Sha384, signature.Hash);
        Assert.Equal(48, signature.EccR.Length);
    }

    [Fact]
    public void Span_api_allocates_only_what_the_crypto_library_needs()
    {
        using var key = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var nonce = EvidenceTestData.Nonce();
        var digest = EvidenceTestData.SyntheticValues(Selection).ComputeDigest(Selection, TpmAlgorithm.Sha256);
        Span<byte> message = stackalloc byte[key.QuoteMessageSize(nonce.Length, Selection, digest.Length)];
        Span<byte> signature = stackalloc byte[key.SignatureSize];
        int written = key.WriteQuoteMessage(message, nonce, EvidenceTestData.Clock, 1, Selection, digest); // warm the selection cache
        key.Sign(message, signature);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            key.WriteQuoteMessage(message, nonce, EvidenceTestData.Clock, (ulong)i, Selection, digest);
            key.Sign(message, signature);
        }
        long perQuote = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.Equal(message.Length, written);
        Assert.True(perQuote < 1024, $"{perQuote} bytes allocated per quote");
        Assert.True(QuoteVerifier.Default.Verify(new QuoteVerificationRequest
        {
            AttestationKey = key.AttestationKey, EndorsementKeyName = key.EndorsementKeyName, Message = message.ToArray(),
            Signature = signature.ToArray(), Nonce = nonce, RequestedSelection = Selection,
            PcrValues = EvidenceTestData.SyntheticValues(Selection),
        }).IsValid);
    }

    [Fact]
    public void One_key_can_quote_from_many_threads_at_once()
    {
        // The fleet load generator shares one key per simulated device across its workers.
        using var rsa = SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName(), TpmAlgorithm.RsaPss);
        using var ecc = SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var values = EvidenceTestData.SyntheticValues(Selection);
        var failures = 0;
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var key = i % 2 == 0 ? rsa : ecc;
            var nonce = EvidenceTestData.Nonce((byte)i);
            var quote = key.Quote(nonce, Selection, values, new TpmsClockInfo((ulong)i, 1, 0, true));
            if (!QuoteVerifier.Default.Verify(EvidenceTestData.Request(key, quote, nonce, Selection, values)).IsValid)
                Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData("rsassa")]
    [InlineData("ecdsa")]
    public async Task Tpm2_checkquote_accepts_software_quotes_with_our_pcr_file(string kind)
    {
        using var key = kind == "rsassa"
            ? SoftwareAttestationKey.CreateRsa(EvidenceTestData.FakeEkName())
            : SoftwareAttestationKey.CreateEcc(EvidenceTestData.FakeEkName());
        var nonce = EvidenceTestData.Nonce();
        var values = EvidenceTestData.SyntheticValues(Selection);
        var quote = key.Quote(nonce, Selection, values, EvidenceTestData.Clock);
        var dir = EvidenceTestData.TempDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "ak.pub"), key.Public.ToSizedBytes());
            File.WriteAllBytes(Path.Combine(dir, "q.msg"), quote.Message);
            File.WriteAllBytes(Path.Combine(dir, "q.sig"), quote.Signature);
            File.WriteAllBytes(Path.Combine(dir, "q.pcrs"), new TpmToolsPcrFile(Selection, values).ToBytes());
            var (accepted, output) = await EvidenceTestData.CheckQuoteAsync(dir, "ak.pub", "q.msg", "q.sig", "q.pcrs", nonce);
            Assert.True(accepted, output);
            Assert.Contains("7 : 0x" + Convert.ToHexString(values[TpmAlgorithm.Sha256, 7]), output); // it read our PCR file

            // And it refuses the same quote against other PCR values.
            File.WriteAllBytes(Path.Combine(dir, "bad.pcrs"),
                new TpmToolsPcrFile(Selection, values.With(TpmAlgorithm.Sha256, 0, new byte[32].Select(_ => (byte)1).ToArray())).ToBytes());
            Assert.False((await EvidenceTestData.CheckQuoteAsync(dir, "ak.pub", "q.msg", "q.sig", "bad.pcrs", nonce)).Accepted);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
