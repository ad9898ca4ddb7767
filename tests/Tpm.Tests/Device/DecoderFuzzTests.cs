using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Nv;
using OrleansAttest.Tpm.Device.Pcr;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>
/// Every response decoder, fed hostile variations of real swtpm answers (recorded while running the full flow),
/// throws only <see cref="TpmParseException"/>: never an index, overflow or crypto exception, and never allocates
/// what a length field asks for.
/// </summary>
public sealed class DecoderFuzzTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Per command: handles in the command, handles in the response, and the decoder.</summary>
    private static readonly Dictionary<TpmCommandCode, (int CommandHandles, int ResponseHandles, Action<TpmResponse> Decode)> Decoders = new()
    {
        [TpmCommandCode.GetCapability] = (0, 0, r => CapabilityCommands.ParseGetCapability(r)),
        [TpmCommandCode.PcrRead] = (0, 0, r => PcrCommands.ParsePcrRead(r)),
        [TpmCommandCode.PcrExtend] = (1, 0, PcrCommands.ParsePcrExtend),
        [TpmCommandCode.ReadPublic] = (1, 0, r => ObjectCommands.ParseReadPublic(r)),
        [TpmCommandCode.NvReadPublic] = (1, 0, r => NvCommands.ParseNvReadPublic(r)),
        [TpmCommandCode.NvRead] = (2, 0, r => NvCommands.ParseNvRead(r)),
        [TpmCommandCode.CreatePrimary] = (1, 1, r => ObjectCommands.ParseCreatePrimary(r)),
        [TpmCommandCode.StartAuthSession] = (2, 1, r => SessionCommands.ParseStartAuthSession(r)),
        [TpmCommandCode.PolicySecret] = (2, 0, SessionCommands.ParsePolicySecret),
        [TpmCommandCode.Create] = (1, 0, r => ObjectCommands.ParseCreate(r)),
        [TpmCommandCode.Load] = (1, 1, r => ObjectCommands.ParseLoad(r)),
        [TpmCommandCode.Quote] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        [TpmCommandCode.ActivateCredential] = (2, 0, r => AttestationCommands.ParseActivateCredential(r)),
        [TpmCommandCode.FlushContext] = (0, 0, ObjectCommands.ParseFlushContext),
        [TpmCommandCode.Startup] = (0, 0, r => r.EnsureSuccess()),
    };

    [Fact]
    public async Task Every_response_decoder_survives_hostile_variants_of_real_swtpm_answers()
    {
        await using var h = await SwtpmHarness.StartAsync();
        await RunFullFlowAsync(h);

        var byCommand = h.Recorder.Exchanges
            .Select(e => (Code: (TpmCommandCode)CommandLayout.CodeOf(e.Command), e.Command, e.Response))
            .GroupBy(e => e.Code)
            .ToDictionary(g => g.Key, g => g.ToList());
        var missing = Decoders.Keys.Where(k => k != TpmCommandCode.Startup && !byCommand.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "the flow did not exercise " + string.Join(", ", missing));

        foreach (var (code, exchanges) in byCommand)
        {
            Assert.True(Decoders.TryGetValue(code, out var decoder), $"no decoder registered for {code}");
            int sessions = CommandLayout.Split(exchanges[0].Command, decoder.CommandHandles).SessionCount;
            // Up to four distinct answers per command (e.g. GetCapability of handles, properties and PCR banks).
            var seeds = exchanges.Where(e => CommandLayout.Split(e.Command, decoder.CommandHandles).SessionCount == sessions)
                .Select(e => e.Response).DistinctBy(Convert.ToHexString).Take(4).ToList();
            var report = ParserFuzz.Run<TpmParseException>($"TPM2_{code} response", seeds, bytes =>
            {
                var response = TpmResponse.Parse(bytes, code, decoder.ResponseHandles, sessions);
                // A mutated response code is a well-formed error answer: the decoder's TpmException is not a parse failure.
                if (response.IsSuccess)
                    decoder.Decode(response);
            }, randomCases: 1500);
            Assert.True(report.Rejected > 0, $"{code}: nothing was rejected in {report.Cases} cases");
        }
    }

    /// <summary>Every command the client knows, at least once, so every decoder gets real seeds.</summary>
    private static async Task RunFullFlowAsync(SwtpmHarness h)
    {
        var client = h.Client;
        await client.StartupAsync(cancellationToken: Cancel);
        await client.GetTpmInfoAsync(Cancel);
        await client.GetPcrBanksAsync(Cancel);
        await client.GetHandlesAsync(TpmHandles.PersistentFirst, Cancel);
        await client.ExtendPcrAsync(16, [(TpmAlgorithm.Sha256, SHA256.HashData("x"u8))], Cancel);
        await client.ReadPcrsAsync(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,8,9,16+sha1:0,1"), Cancel);
        await client.ReadEkCertificateAsync(TpmKeyAlgorithm.Rsa, Cancel);
        await using var ek = await client.CreateEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel);
        await client.ReadPublicAsync(ek.Handle, Cancel);
        foreach (var algorithm in new[] { TpmKeyAlgorithm.Rsa, TpmKeyAlgorithm.Ecc })
        {
            await using var ak = await client.LoadAttestationKeyAsync(ek, await client.CreateAttestationKeyAsync(ek, algorithm, Cancel), Cancel);
            await client.QuoteAsync(ak, RandomNumberGenerator.GetBytes(32), PcrSelection.ParseText("sha256:0,1,16"), Cancel);
            var secret = RandomNumberGenerator.GetBytes(32);
            var credential = await ActivateCredentialTests.MakeCredentialAsync(h, ek, ak.Name, secret, $"fuzz-{algorithm}");
            Assert.Equal(secret, await client.ActivateCredentialAsync(ak, ek, credential, Cancel));
        }
    }
}
