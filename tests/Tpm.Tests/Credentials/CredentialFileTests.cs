using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Credentials;

public sealed class CredentialFileTests
{
    [Theory]
    [InlineData("mkcred_rsa.out", 336, 256)]
    [InlineData("mkcred_ecc.out", 148, 68)]
    public void Vector_credential_files_parse_and_write_back_identically(string file, int fileSize, int secretSize)
    {
        var bytes = SharedVectors.ReadBytes(file);
        Assert.Equal(fileSize, bytes.Length);
        var parsed = CredentialFile.Read(bytes);
        Assert.Equal(secretSize, parsed.EncryptedSecret.Length);
        var idObject = parsed.ParseCredentialBlob();
        Assert.Equal(32, idObject.IntegrityHmac.Length);                      // HMAC-SHA256 (EK nameAlg)
        Assert.Equal(2 + SharedVectors.ReadBytes("credential_secret.bin").Length, idObject.EncIdentity.Length);
        Assert.Equal(bytes, CredentialFile.Write(parsed));
        if (file.Contains("ecc"))
        {
            // TPMS_ECC_POINT: two 32-byte P-256 coordinates.
            var reader = new TpmReader(parsed.EncryptedSecret, "TPMS_ECC_POINT");
            Assert.Equal(32, reader.ReadSized("x").Length);
            Assert.Equal(32, reader.ReadSized("y").Length);
            Assert.True(reader.IsAtEnd);
        }
    }

    [Theory]
    [InlineData("ek_rsa.pub", "mkcred_rsa.out")]
    [InlineData("ek_ecc256.pub", "mkcred_ecc.out")]
    public void Our_credential_for_the_vector_EK_has_the_layout_of_tpm2_makecredential(string ekFile, string referenceFile)
    {
        var ek = TpmPublic.ParseSized(SharedVectors.ReadBytes(ekFile));
        var made = CredentialMaker.MakeCredential(ek, SharedVectors.ReadBytes("ak_rsa.name"), SharedVectors.ReadBytes("credential_secret.bin"));
        var ours = CredentialFile.Write(made);
        var reference = SharedVectors.ReadBytes(referenceFile);
        Assert.Equal(reference.Length, ours.Length);
        Assert.Equal(reference[..8], ours[..8]);   // magic and version
        var theirs = CredentialFile.Read(reference);
        Assert.Equal(theirs.CredentialBlob.Length, made.CredentialBlob.Length);
        Assert.Equal(theirs.EncryptedSecret.Length, made.EncryptedSecret.Length);
        Assert.NotEqual(theirs.CredentialBlob, made.CredentialBlob); // fresh seed each time
    }

    [Fact]
    public void Self_made_credential_files_round_trip()
    {
        using var ek = RSA.Create(2048);
        var made = CredentialMaker.MakeCredential(TestEkCa.RsaEkPublic(ek), [0x00, 0x0b, .. new byte[32]], new byte[32]);
        var file = CredentialFile.Write(made);
        Assert.Equal(336, file.Length);
        Assert.Equal("BADCC0DE00000001", Convert.ToHexString(file, 0, 8));
        var read = CredentialFile.Read(file);
        Assert.Equal(made.CredentialBlob, read.CredentialBlob);
        Assert.Equal(made.EncryptedSecret, read.EncryptedSecret);
    }

    [Fact]
    public void Malformed_files_are_refused_with_the_field_named()
    {
        var good = CredentialFile.Write(new EncryptedCredential([0x00, 0x20, .. new byte[32], .. new byte[34]], new byte[256]));
        byte[] badMagic = [.. good];
        badMagic[0] = 0xAB;
        Assert.Contains("magic 0xABDCC0DE", Assert.Throws<TpmParseException>(() => CredentialFile.Read(badMagic)).Message);
        byte[] badVersion = [.. good];
        badVersion[7] = 2;
        Assert.Contains("version 2", Assert.Throws<TpmParseException>(() => CredentialFile.Read(badVersion)).Message);
        Assert.Contains("trailing", Assert.Throws<TpmParseException>(() => CredentialFile.Read([.. good, 0])).Message);
        var oddHmac = CredentialFile.Write(new EncryptedCredential([0x00, 0x05, 1, 2, 3, 4, 5, 9, 9, 9], [1]));
        Assert.Contains("integrityHMAC has 5 bytes", Assert.Throws<TpmParseException>(() => CredentialFile.Read(oddHmac)).Message);
        var noSecret = CredentialFile.Write(new EncryptedCredential([0x00, 0x20, .. new byte[32], .. new byte[34]], []));
        Assert.Contains("TPM2B_ENCRYPTED_SECRET is empty", Assert.Throws<TpmParseException>(() => CredentialFile.Read(noSecret)).Message);
    }

    [Fact]
    public void Reader_survives_fuzzing()
    {
        using var rsa = RSA.Create(2048);
        using var ecc = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] name = [0x00, 0x0b, .. new byte[32]];
        var seeds = new List<byte[]>
        {
            CredentialFile.Write(CredentialMaker.MakeCredential(TestEkCa.RsaEkPublic(rsa), name, new byte[32])),
            CredentialFile.Write(CredentialMaker.MakeCredential(TestEkCa.EccEkPublic(ecc.ExportParameters(false)), name, new byte[16])),
        };
        var report = ParserFuzz.Run<TpmParseException>("tpm2-tools credential file", seeds, bytes => CredentialFile.Read(bytes));
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
    }
}
