using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>
/// Our MakeCredential and EK certificate validation against a freshly manufactured swtpm, cross-checked with
/// tpm2-tools: the TPM itself must accept what we make (ActivateCredential) and our validator must accept what
/// swtpm_setup's local CA issued.
/// </summary>
public sealed class SwtpmCredentialTests
{
    private const string RsaEkHandle = "0x81010001";
    /// <summary>swtpm_setup also makes an ECC P-384 EK (high-range template: nameAlg SHA-384, AES-256) with its certificate in NV 0x01c00016.</summary>
    private const string EccP384EkHandle = "0x81010016";

    [Fact]
    public async Task Credential_for_the_persistent_RSA_EK_is_activated_by_the_TPM()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var ek = await ReadPublicAsync(tpm, RsaEkHandle, "ek.pub");
        Assert.True(ek.IsRsa);
        var akName = await CreateAkAsync(tpm, RsaEkHandle, "ak");

        var credential = RandomNumberGenerator.GetBytes(32);
        var file = CredentialFile.Write(CredentialMaker.MakeCredential(ek, akName, credential));
        Assert.Equal(336, file.Length);
        var (exit, output, stderr) = await ActivateAsync(tpm, "ak.ctx", RsaEkHandle, file);
        Assert.True(exit == 0, $"tpm2_activatecredential refused our credential: {stderr}");
        Assert.Equal(credential, output);
    }

    [Fact]
    public async Task Credential_for_an_ECC_P256_EK_is_activated_by_the_TPM()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await tpm.RunToolAsync("tpm2_createek", "-G", "ecc", "-c", "ek_ecc.ctx", "-u", "ek_ecc.pub");
        await FlushAsync(tpm);
        var ek = TpmPublic.ParseSized(await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, "ek_ecc.pub"), TestContext.Current.CancellationToken));
        Assert.Equal(TpmEccCurve.NistP256, ek.Curve);
        var akName = await CreateAkAsync(tpm, "ek_ecc.ctx", "ak");

        // A credential shorter than the digest also round-trips (TPM2B_DIGEST keeps its size).
        var credential = RandomNumberGenerator.GetBytes(16);
        var file = CredentialFile.Write(CredentialMaker.MakeCredential(ek, akName, credential));
        Assert.Equal(8 + 2 + (2 + 32 + 2 + 16) + 2 + 68, file.Length);
        var (exit, output, stderr) = await ActivateAsync(tpm, "ak.ctx", "ek_ecc.ctx", file);
        Assert.True(exit == 0, $"tpm2_activatecredential refused our credential: {stderr}");
        Assert.Equal(credential, output);
    }

    [Fact]
    public async Task Credential_for_the_P384_EK_with_SHA384_and_AES256_is_activated_by_the_TPM()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var ek = await ReadPublicAsync(tpm, EccP384EkHandle, "ek384.pub");
        Assert.Equal(TpmEccCurve.NistP384, ek.Curve);
        Assert.Equal(TpmAlgorithm.Sha384, ek.NameAlg);
        Assert.Equal(256, ek.Symmetric.KeyBits);
        var akName = await CreateAkAsync(tpm, EccP384EkHandle, "ak");
        // Its authPolicy is a PolicyOR of the high-range template; it also has userWithAuth, so the empty EK auth is used.
        Assert.True(ek.Has(TpmObjectAttributes.UserWithAuth));

        var credential = RandomNumberGenerator.GetBytes(48);
        var made = CredentialMaker.MakeCredential(ek, akName, credential);
        Assert.Equal(2 + 48 + 2 + 48, made.EncryptedSecret.Length);
        Assert.Equal(48, made.ParseCredentialBlob().IntegrityHmac.Length);
        var (exit, output, stderr) = await ActivateAsync(tpm, "ak.ctx", EccP384EkHandle, CredentialFile.Write(made), policySession: false);
        Assert.True(exit == 0, $"tpm2_activatecredential refused our credential: {stderr}");
        Assert.Equal(credential, output);
    }

    [Fact]
    public async Task Credential_for_another_AK_name_is_refused_by_the_TPM()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var ek = await ReadPublicAsync(tpm, RsaEkHandle, "ek.pub");
        var akName = await CreateAkAsync(tpm, RsaEkHandle, "ak");
        byte[] wrongName = [.. akName];
        wrongName[^1] ^= 0x01;

        var credential = RandomNumberGenerator.GetBytes(32);
        var file = CredentialFile.Write(CredentialMaker.MakeCredential(ek, wrongName, credential));
        var (exit, output, stderr) = await ActivateAsync(tpm, "ak.ctx", RsaEkHandle, file);
        Assert.NotEqual(0, exit);
        Assert.NotEqual(credential, output);
        Assert.Contains("integrity", stderr, StringComparison.OrdinalIgnoreCase);

        // The same TPM, AK and EK accept a credential made for the right name: the refusal was about the name.
        var good = CredentialFile.Write(CredentialMaker.MakeCredential(ek, akName, credential));
        var (goodExit, goodOutput, goodError) = await ActivateAsync(tpm, "ak.ctx", RsaEkHandle, good);
        Assert.True(goodExit == 0, goodError);
        Assert.Equal(credential, goodOutput);
    }

    [Fact]
    public async Task EK_certificate_validates_against_its_own_local_CA_only()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        await using var other = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var ek = await ReadPublicAsync(tpm, RsaEkHandle, "ek.pub");
        // What an agent sends: the certificate as read from NV 0x01c00002.
        await tpm.RunToolAsync("tpm2_nvread", "0x01c00002", "-C", "o", "-o", "ek_cert.der");
        var nvCertificate = await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, "ek_cert.der"), TestContext.Current.CancellationToken);

        var own = new EkCertificateValidator(EkCaBundle.Load([tpm.IssuerCertificatePath, tpm.RootCertificatePath]));
        var fromFile = own.Validate(await File.ReadAllBytesAsync(tpm.EkCertificatePath, TestContext.Current.CancellationToken), ek);
        Assert.True(fromFile.IsValid, fromFile.ToString());
        Assert.Equal("swtpm", fromFile.Device?.Model);
        var fromNv = own.Validate(nvCertificate, ek);
        Assert.True(fromNv.IsValid, fromNv.ToString());
        // The local CA's directory as a bundle: its private keys and config files are ignored, its two certificates used.
        var caDirectory = EkCaBundle.Load(tpm.CaDirectory);
        Assert.Single(caDirectory.Roots);
        Assert.True(new EkCertificateValidator(caDirectory).Validate(nvCertificate, ek).IsValid);

        var foreign = new EkCertificateValidator(EkCaBundle.Load([other.IssuerCertificatePath, other.RootCertificatePath]));
        var result = foreign.Validate(nvCertificate, ek);
        Assert.Equal(EkCertificateReasons.Untrusted, result.ReasonCode);

        // The other TPM's EK is not the key in this certificate.
        var otherEk = await ReadPublicAsync(other, RsaEkHandle, "ek.pub");
        Assert.Equal(EkCertificateReasons.KeyMismatch, own.Validate(nvCertificate, otherEk).ReasonCode);
    }

    [Fact]
    public async Task ECC_EK_certificate_from_NV_validates_and_matches_the_P384_EK()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var ek = await ReadPublicAsync(tpm, EccP384EkHandle, "ek384.pub");
        var rsaEk = await ReadPublicAsync(tpm, RsaEkHandle, "ek.pub");
        await tpm.RunToolAsync("tpm2_nvread", "0x01c00016", "-C", "o", "-o", "ek_ecc_cert.der");
        var certificate = await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, "ek_ecc_cert.der"), TestContext.Current.CancellationToken);

        var validator = new EkCertificateValidator(EkCaBundle.Load([tpm.IssuerCertificatePath, tpm.RootCertificatePath]));
        var result = validator.Validate(certificate, ek);
        Assert.True(result.IsValid, result.ToString());
        var mismatch = validator.Validate(certificate, rsaEk);
        Assert.Equal(EkCertificateReasons.KeyMismatch, mismatch.ReasonCode);
        Assert.Contains("holds an ECC key but the EK public area is Rsa", mismatch.Detail);
    }

    private static async Task<TpmPublic> ReadPublicAsync(SwtpmInstance tpm, string handle, string file)
    {
        await tpm.RunToolAsync("tpm2_readpublic", "-c", handle, "-o", file);
        await FlushAsync(tpm);
        return TpmPublic.ParseSized(await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, file)));
    }

    /// <summary>Creates an RSA AK under the EK (ak.ctx, ak.pub, ak.name) and returns its Name, checked against our own computation.</summary>
    private static async Task<byte[]> CreateAkAsync(SwtpmInstance tpm, string ekContext, string prefix)
    {
        await tpm.RunToolAsync("tpm2_createak", "-C", ekContext, "-c", $"{prefix}.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa",
            "-u", $"{prefix}.pub", "-n", $"{prefix}.name", "-r", $"{prefix}.priv");
        await FlushAsync(tpm);
        var name = await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, $"{prefix}.name"));
        var akPublic = TpmPublic.ParseSized(await File.ReadAllBytesAsync(Path.Combine(tpm.Directory, $"{prefix}.pub")));
        Assert.Equal(akPublic.ComputeName(), name);
        return name;
    }

    /// <summary>
    /// tpm2_activatecredential; with <paramref name="policySession"/> the EK is authorised by a policy session with
    /// PolicySecret on the endorsement hierarchy (TCG template L-1/L-2 policy), else by its empty auth value.
    /// </summary>
    private static async Task<(int Exit, byte[]? Output, string StdErr)> ActivateAsync(SwtpmInstance tpm, string akContext, string ekContext, byte[] credentialFile,
        bool policySession = true)
    {
        var blob = $"cred-{Guid.NewGuid():N}.blob";
        var output = Path.ChangeExtension(blob, ".out");
        await File.WriteAllBytesAsync(Path.Combine(tpm.Directory, blob), credentialFile);
        string[] arguments = ["-c", akContext, "-C", ekContext, "-i", blob, "-o", output];
        if (policySession)
        {
            await tpm.RunToolAsync("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            await FlushAsync(tpm);
            await tpm.RunToolAsync("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
            await FlushAsync(tpm);
            arguments = [.. arguments, "-P", "session:session.ctx"];
        }
        var (exit, _, stderr) = await tpm.TryRunToolAsync("tpm2_activatecredential", arguments);
        if (policySession)
            await tpm.TryRunToolAsync("tpm2_flushcontext", "session.ctx");
        await tpm.FlushAllAsync();
        var path = Path.Combine(tpm.Directory, output);
        return (exit, File.Exists(path) ? await File.ReadAllBytesAsync(path) : null, stderr);
    }

    /// <summary>swtpm has no resource manager and 3 object slots: drop transient objects and loaded sessions after each tool.</summary>
    private static async Task FlushAsync(SwtpmInstance tpm)
    {
        await tpm.TryRunToolAsync("tpm2_flushcontext", "-t");
        await tpm.TryRunToolAsync("tpm2_flushcontext", "-l");
    }
}
