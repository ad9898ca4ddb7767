using System.Security.Cryptography;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>AK creation, persistence across a reboot, and quotes checked by .NET crypto and by tpm2_checkquote.</summary>
public sealed class AttestationKeyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16");

    [Fact]
    public async Task Ak_saved_to_files_is_loaded_again_after_a_restart_with_the_same_Name_and_still_quotes()
    {
        await using var h = await SwtpmHarness.StartAsync();
        var state = Path.Combine(h.WorkDirectory, "agent-state");
        byte[] name;
        await using (var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel))
        await using (var ak = await AttestationKeyStore.LoadOrCreateAsync(h.Client, ek, state, TpmKeyAlgorithm.Rsa, Cancel))
        {
            Assert.True(ak.IsNew);
            Assert.Equal(ak.Public.ComputeName(), ak.Name);
            Assert.Equal(AkTemplates.Attributes, ak.Public.Attributes);
            Assert.Equal(TpmAlgorithm.RsaSsa, ak.Public.Scheme);
            name = ak.Name;
        }
        // The files are tpm2-tools' formats: TPM2B_PUBLIC and TPM2B_PRIVATE.
        var pub = await File.ReadAllBytesAsync(Path.Combine(state, "ak.pub"), Cancel);
        Assert.Equal(name, TpmPublic.ParseSized(pub).ComputeName());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state, "ak.priv")));
        Assert.Equal(["ak.priv", "ak.pub"], Directory.GetFiles(state).Select(Path.GetFileName).Order());

        await h.RestartAsync();

        await using (var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel))
        await using (var ak = await AttestationKeyStore.LoadOrCreateAsync(h.Client, ek, state, TpmKeyAlgorithm.Rsa, Cancel))
        {
            Assert.False(ak.IsNew);
            Assert.Equal(name, ak.Name);
            var nonce = RandomNumberGenerator.GetBytes(32);
            var quote = await h.Client.QuoteAsync(ak, nonce, Selection, Cancel);
            Assert.Equal(nonce, QuoteChecks.ReadHead(quote.Attest).ExtraData);
            Assert.True(QuoteChecks.VerifySignature(ak.Public, quote.Attest, quote.Signature));

            // tpm2-tools loads the very same files under the same EK.
            await h.RunToolAsync("tpm2_load", "-C", "0x81010001", "-u", Path.Combine(state, "ak.pub"), "-r", Path.Combine(state, "ak.priv"),
                "-c", h.WorkFile("ak.ctx"), "-n", h.WorkFile("ak.name"), "-P", "session:" + await StartEkSessionFileAsync(h));
            Assert.Equal(name, await File.ReadAllBytesAsync(h.WorkFile("ak.name"), Cancel));
        }
        await h.FlushToolLeftoversAsync();

        // Asking for the other algorithm does not silently replace the enrolled AK.
        await using (var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel))
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => AttestationKeyStore.LoadOrCreateAsync(h.Client, ek, state, TpmKeyAlgorithm.Ecc, Cancel));
            Assert.Contains("is Rsa, not the Ecc asked for", e.Message);
        }
        Assert.Empty(await h.Client.GetHandlesAsync(0x80000000, Cancel));
    }

    [Fact]
    public async Task Quotes_of_RSA_and_ECC_AKs_verify_with_dotnet_and_with_tpm2_checkquote()
    {
        await using var h = await SwtpmHarness.StartAsync();
        await h.Client.ExtendPcrAsync(16, [(TpmAlgorithm.Sha256, SHA256.HashData("hello"u8))], Cancel);
        await using var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel);
        foreach (var algorithm in new[] { TpmKeyAlgorithm.Rsa, TpmKeyAlgorithm.Ecc })
        {
            var blob = await h.Client.CreateAttestationKeyAsync(ek, algorithm, Cancel);
            Assert.Equal(algorithm, blob.Algorithm);
            await using var ak = await h.Client.LoadAttestationKeyAsync(ek, blob, Cancel);
            var nonce = RandomNumberGenerator.GetBytes(32);
            var quote = await h.Client.QuoteAsync(ak, nonce, Selection, Cancel);

            var head = QuoteChecks.ReadHead(quote.Attest);
            Assert.Equal(0xFF544347u, head.Magic);
            Assert.Equal(0x8018, head.Type);
            Assert.Equal(nonce, head.ExtraData);
            // qualifiedSigner = QN(AK) = nameAlg ‖ H(QN(EK) ‖ Name(AK)).
            Assert.Equal(TpmName.Qualify(TpmAlgorithm.Sha256, ek.QualifiedName, ak.Name), head.QualifiedSigner);
            Assert.True(QuoteChecks.VerifySignature(ak.Public, quote.Attest, quote.Signature), $"{algorithm} quote signature does not verify");
            var tampered = (byte[])quote.Attest.Clone();
            tampered[^1] ^= 1;
            Assert.False(QuoteChecks.VerifySignature(ak.Public, tampered, quote.Signature));

            var prefix = algorithm.ToString().ToLowerInvariant();
            await File.WriteAllBytesAsync(h.WorkFile($"{prefix}.pub"), blob.PublicBytes, Cancel);
            await File.WriteAllBytesAsync(h.WorkFile($"{prefix}.msg"), quote.Attest, Cancel);
            await File.WriteAllBytesAsync(h.WorkFile($"{prefix}.sig"), quote.Signature, Cancel);
            // tpm2_checkquote 5.4 accepts no PCR file (-f): it then checks signature and qualifying data only.
            await h.RunToolAsync("tpm2_checkquote", "-u", h.WorkFile($"{prefix}.pub"), "-m", h.WorkFile($"{prefix}.msg"),
                "-s", h.WorkFile($"{prefix}.sig"), "-g", "sha256", "-q", Convert.ToHexStringLower(nonce));
            var wrongNonce = await h.Tpm.TryRunToolAsync("tpm2_checkquote", "-u", h.WorkFile($"{prefix}.pub"), "-m", h.WorkFile($"{prefix}.msg"),
                "-s", h.WorkFile($"{prefix}.sig"), "-g", "sha256", "-q", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            Assert.NotEqual(0, wrongNonce.ExitCode);
        }
    }

    /// <summary>A tpm2-tools policy session satisfying the EK policy, for tpm2_load -P session:FILE.</summary>
    private static async Task<string> StartEkSessionFileAsync(SwtpmHarness h)
    {
        var session = h.WorkFile("session.ctx");
        await h.RunToolAsync("tpm2_startauthsession", "--policy-session", "-S", session);
        await h.RunToolAsync("tpm2_policysecret", "-S", session, "-c", "e");
        return session;
    }
}
