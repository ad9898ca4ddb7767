using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

/// <summary>
/// TPM2_ActivateCredential in software: it inverts our MakeCredential and tpm2-tools' independent one (for the ECC L-2
/// and RSA L-1 EK shapes), refuses a credential made for another AK Name or EK as the TPM does (TPM_RC_INTEGRITY),
/// and answers hostile blobs and secrets with CredentialException only.
/// </summary>
public sealed class SoftwareCredentialActivatorTests
{
    private static readonly byte[][] AkNames =
    [
        [0x00, 0x0b, .. SHA256.HashData("AK one"u8)],
        [0x00, 0x0b, .. SHA256.HashData("AK two"u8)],
        [0x00, 0x04, .. SHA1.HashData("a SHA-1 named key"u8)],
        [0x00, 0x0c, .. SHA384.HashData("a SHA-384 named key"u8)],
        [0x00, 0x0d, .. SHA512.HashData("a SHA-512 named key"u8)],
    ];

    public static TheoryData<string> KeyTypes => new("ecc", "rsa");

    private static SoftwareCredentialActivator Create(string keyType) =>
        keyType == "ecc" ? SoftwareCredentialActivator.CreateEcc() : SoftwareCredentialActivator.CreateRsa();

    [Fact]
    public void The_ECC_EK_has_the_shape_of_TCG_template_L2()
    {
        using var activator = SoftwareCredentialActivator.CreateEcc();
        var ek = activator.EkPublic;
        var template = EkTemplates.EccL2();
        Assert.Equal(TpmAlgorithm.Ecc, ek.Type);
        Assert.Equal(TpmEccCurve.NistP256, ek.Curve);
        Assert.Equal(TpmAlgorithm.Sha256, ek.NameAlg);
        Assert.Equal(EkTemplates.Attributes, ek.Attributes);
        Assert.Equal(TpmSymmetricDefinition.Aes128Cfb, ek.Symmetric);
        Assert.Equal(template.AuthPolicy, ek.AuthPolicy);
        Assert.Equal(32, ek.EccX.Length);
        // The marshalled public area parses back to the same key, and the Name is over those bytes.
        var parsed = TpmPublic.Parse(ek.ToBytes());
        Assert.Equal(activator.EkName, parsed.ComputeName());
        Assert.Equal(ek.EccX, parsed.EccX);
    }

    [Fact]
    public void The_RSA_EK_has_the_shape_of_TCG_template_L1()
    {
        using var activator = SoftwareCredentialActivator.CreateRsa();
        var ek = activator.EkPublic;
        Assert.Equal(TpmAlgorithm.Rsa, ek.Type);
        Assert.Equal(2048, ek.RsaKeyBits);
        Assert.Equal(256, ek.RsaModulus.Length);
        Assert.Equal(65537u, ek.EffectiveRsaExponent);
        Assert.Equal(EkTemplates.Attributes, ek.Attributes);
        Assert.Equal(TpmSymmetricDefinition.Aes128Cfb, ek.Symmetric);
        Assert.Equal(EkTemplates.RsaL1().AuthPolicy, ek.AuthPolicy);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void Credentials_made_by_CredentialMaker_round_trip_for_several_AK_names_and_sizes(string keyType)
    {
        using var activator = Create(keyType);
        foreach (var akName in AkNames)
        {
            foreach (var size in new[] { 1, 16, 32 })
            {
                var credential = RandomNumberGenerator.GetBytes(size);
                var made = CredentialMaker.MakeCredential(activator.EkPublic, akName, credential);
                Assert.Equal(credential, activator.Activate(akName, made));
            }
        }
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void A_credential_for_another_AK_name_fails_the_integrity_check(string keyType)
    {
        using var activator = Create(keyType);
        var made = CredentialMaker.MakeCredential(activator.EkPublic, AkNames[0], RandomNumberGenerator.GetBytes(32));

        var otherAk = Assert.Throws<CredentialException>(() => activator.Activate(AkNames[1], made));
        Assert.StartsWith(SoftwareCredentialActivator.IntegrityFailure, otherAk.Message);
        Assert.Contains(Convert.ToHexStringLower(AkNames[1]), otherAk.Message);

        // One flipped bit of the Name is enough.
        byte[] flipped = [.. AkNames[0]];
        flipped[^1] ^= 0x01;
        Assert.StartsWith(SoftwareCredentialActivator.IntegrityFailure, Assert.Throws<CredentialException>(() => activator.Activate(flipped, made)).Message);

        // And the right Name still works: the refusal was about the Name.
        Assert.Equal(32, activator.Activate(AkNames[0], made).Length);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void A_credential_made_for_another_EK_is_refused(string keyType)
    {
        using var activator = Create(keyType);
        using var other = Create(keyType);
        var made = CredentialMaker.MakeCredential(other.EkPublic, AkNames[0], RandomNumberGenerator.GetBytes(32));
        var error = Assert.Throws<CredentialException>(() => activator.Activate(AkNames[0], made));
        // ECC: another seed, so the HMAC fails; RSA: the OAEP decoding under the wrong key fails first.
        Assert.StartsWith(keyType == "ecc" ? SoftwareCredentialActivator.IntegrityFailure : SoftwareCredentialActivator.ValueFailure, error.Message);
    }

    [Fact]
    public void An_altered_encrypted_identity_is_never_decrypted()
    {
        using var activator = SoftwareCredentialActivator.CreateEcc();
        var made = CredentialMaker.MakeCredential(activator.EkPublic, AkNames[0], RandomNumberGenerator.GetBytes(32));
        byte[] blob = [.. made.CredentialBlob];
        blob[^1] ^= 0x80;
        var error = Assert.Throws<CredentialException>(() => activator.Activate(AkNames[0], blob, made.EncryptedSecret));
        Assert.StartsWith(SoftwareCredentialActivator.IntegrityFailure, error.Message);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public async Task Output_of_tpm2_makecredential_without_a_TPM_is_activated(string keyType)
    {
        // tpm2-tools' MakeCredential (OpenSSL inside) is an implementation independent of ours.
        using var activator = Create(keyType);
        var dir = Directory.CreateTempSubdirectory("orleansattest-activate-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, "ek.pub"), activator.EkPublic.ToSizedBytes(), TestContext.Current.CancellationToken);
            foreach (var (akName, size) in new[] { (AkNames[0], 32), (AkNames[1], 16), (AkNames[3], 1) })
            {
                var secret = RandomNumberGenerator.GetBytes(size);
                await File.WriteAllBytesAsync(Path.Combine(dir, "secret.bin"), secret, TestContext.Current.CancellationToken);
                File.Delete(Path.Combine(dir, "cred.out"));
                var (exit, stdout, stderr) = await ProcessRunner.RunAsync("tpm2_makecredential",
                    ["-T", "none", "-u", "ek.pub", "-s", "secret.bin", "-n", Convert.ToHexStringLower(akName), "-o", "cred.out"], dir);
                Assert.True(exit == 0, $"tpm2_makecredential failed ({exit}): {stderr} {stdout}");

                var credential = CredentialFile.Read(await File.ReadAllBytesAsync(Path.Combine(dir, "cred.out"), TestContext.Current.CancellationToken));
                Assert.Equal(secret, activator.Activate(akName, credential));
                Assert.StartsWith(SoftwareCredentialActivator.IntegrityFailure,
                    Assert.Throws<CredentialException>(() => activator.Activate(akName == AkNames[0] ? AkNames[1] : AkNames[0], credential)).Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fuzzed_ECC_credential_blobs_secrets_and_names_only_raise_CredentialException()
    {
        using var activator = SoftwareCredentialActivator.CreateEcc();
        var akName = AkNames[0];
        var made = CredentialMaker.MakeCredential(activator.EkPublic, akName, RandomNumberGenerator.GetBytes(32));
        var altered = new List<string>();

        var blobs = ParserFuzz.Run<CredentialException>("credential blob", [made.CredentialBlob],
            blob => Accept(activator.Activate(akName, blob, made.EncryptedSecret), "blob", blob, made.CredentialBlob, altered), randomCases: 2000);
        var secrets = ParserFuzz.Run<CredentialException>("ECC encrypted secret", [made.EncryptedSecret],
            secret => Accept(activator.Activate(akName, made.CredentialBlob, secret), "secret", secret, made.EncryptedSecret, altered), randomCases: 2000);
        var names = ParserFuzz.Run<CredentialException>("AK name", [akName],
            name => Accept(activator.Activate(name, made), "name", name, akName, altered), randomCases: 1000);

        foreach (var report in new[] { blobs, secrets, names })
        {
            Assert.True(report.Cases > 1000, $"{report.Name}: only {report.Cases} cases ran");
            Assert.True(report.Rejected > report.Cases * 9 / 10, $"{report.Name}: only {report.Rejected} of {report.Cases} refused");
        }
        // A mutation can give back the original bytes; nothing else carries a valid HMAC.
        Assert.Empty(altered);
    }

    [Fact]
    public void Fuzzed_RSA_secrets_only_raise_CredentialException()
    {
        using var activator = SoftwareCredentialActivator.CreateRsa();
        var akName = AkNames[0];
        var made = CredentialMaker.MakeCredential(activator.EkPublic, akName, RandomNumberGenerator.GetBytes(32));
        var altered = new List<string>();
        var report = ParserFuzz.Run<CredentialException>("RSA encrypted secret", [made.EncryptedSecret],
            secret => Accept(activator.Activate(akName, made.CredentialBlob, secret), "secret", secret, made.EncryptedSecret, altered), randomCases: 300);
        Assert.True(report.Rejected > report.Cases * 9 / 10, $"only {report.Rejected} of {report.Cases} refused");
        Assert.Empty(altered);
    }

    /// <summary>Records an accepted input that is not the original (which would be a forged activation).</summary>
    private static void Accept(byte[] _, string what, byte[] input, byte[] original, List<string> altered)
    {
        if (!input.AsSpan().SequenceEqual(original))
            altered.Add($"an altered {what} was activated: {Convert.ToHexString(input)}");
    }

    [Fact]
    public void Concurrent_activations_on_one_EK_all_succeed()
    {
        using var activator = SoftwareCredentialActivator.CreateEcc();
        var made = Enumerable.Range(0, 64)
            .Select(i => (Secret: RandomNumberGenerator.GetBytes(32), Name: AkNames[i % AkNames.Length]))
            .Select(c => (c.Secret, c.Name, Credential: CredentialMaker.MakeCredential(activator.EkPublic, c.Name, c.Secret)))
            .ToArray();
        var mismatches = 0;
        Parallel.ForEach(made, c =>
        {
            if (!activator.Activate(c.Name, c.Credential).AsSpan().SequenceEqual(c.Secret))
                Interlocked.Increment(ref mismatches);
        });
        Assert.Equal(0, mismatches);
    }
}
