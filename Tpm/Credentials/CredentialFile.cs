using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The file tpm2_makecredential writes and tpm2_activatecredential reads (tpm2-tools 5.x):
/// UINT32 0xBADCC0DE ‖ UINT32 version 1 ‖ TPM2B_ID_OBJECT ‖ TPM2B_ENCRYPTED_SECRET, all big-endian.
/// </summary>
public static class CredentialFile
{
    public const uint Magic = 0xBADCC0DE;
    public const uint Version = 1;

    /// <summary>sizeof(TPMU_ENCRYPTED_SECRET): an RSA-4096 ciphertext is the largest secret.</summary>
    public const int MaxEncryptedSecretBytes = 512;

    public static byte[] Write(EncryptedCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new TpmWriter(12 + credential.CredentialBlob.Length + credential.EncryptedSecret.Length)
            .WriteUInt32(Magic).WriteUInt32(Version)
            .WriteSized(credential.CredentialBlob)
            .WriteSized(credential.EncryptedSecret)
            .ToArray();
    }

    /// <summary>Parses the whole file; the ID object must be well formed and nothing may follow the secret.</summary>
    /// <exception cref="TpmParseException">The bytes are not a version-1 tpm2-tools credential file.</exception>
    public static EncryptedCredential Read(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "tpm2-tools credential file");
        var magic = reader.ReadUInt32("magic");
        if (magic != Magic)
            throw new TpmParseException(reader.Structure, $"magic 0x{magic:X8} is not 0x{Magic:X8}", 0);
        var version = reader.ReadUInt32("version");
        if (version != Version)
            throw new TpmParseException(reader.Structure, $"version {version} is not {Version}", 4);
        int blobAt = reader.Position;
        var blob = reader.ReadSized("TPM2B_ID_OBJECT", IdObject.MaxBytes);
        try
        {
            IdObject.Parse(blob);
        }
        catch (TpmParseException e)
        {
            throw new TpmParseException(reader.Structure, $"TPM2B_ID_OBJECT: {e.Problem}", blobAt + 2 + Math.Max(0, e.Offset), e);
        }
        int secretAt = reader.Position;
        var secret = reader.ReadSized("TPM2B_ENCRYPTED_SECRET", MaxEncryptedSecretBytes);
        if (secret.IsEmpty)
            throw new TpmParseException(reader.Structure, "TPM2B_ENCRYPTED_SECRET is empty", secretAt);
        reader.ExpectEnd();
        return new EncryptedCredential(blob.ToArray(), secret.ToArray());
    }
}
