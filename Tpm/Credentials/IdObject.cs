using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// TPMS_ID_OBJECT (TPM 2.0 Part 2, 12.4.2): integrityHMAC = HMAC over encIdentity ‖ Name, and encIdentity =
/// the credential as a TPM2B_DIGEST, CFB-encrypted (so it keeps the 2-byte size plus the credential length).
/// </summary>
public sealed record IdObject(byte[] IntegrityHmac, byte[] EncIdentity)
{
    /// <summary>Largest digest (SHA-512): bound for both parts.</summary>
    public const int MaxDigestBytes = 64;

    /// <summary>sizeof(TPMS_ID_OBJECT): the largest TPM2B_ID_OBJECT body.</summary>
    public const int MaxBytes = 2 + MaxDigestBytes + 2 + MaxDigestBytes;

    public static IdObject Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMS_ID_OBJECT");
        if (data.Length > MaxBytes)
            throw reader.Fail($"{data.Length} bytes exceed the {MaxBytes} a TPMS_ID_OBJECT can hold");
        int at = reader.Position;
        var hmac = reader.ReadSized("integrityHMAC", MaxDigestBytes);
        if (hmac.Length is not (20 or 32 or 48 or 64))
            throw new TpmParseException(reader.Structure, $"integrityHMAC has {hmac.Length} bytes, not the size of a digest", at);
        var encIdentity = reader.ReadRest();
        // encIdentity holds at least the encrypted 2-byte size of the credential.
        if (encIdentity.Length < 3)
            throw new TpmParseException(reader.Structure, $"encIdentity has {encIdentity.Length} bytes; it needs a size and at least one credential byte", at + 2 + hmac.Length);
        return new IdObject(hmac.ToArray(), encIdentity.ToArray());
    }

    public byte[] ToBytes() => new TpmWriter(4 + IntegrityHmac.Length + EncIdentity.Length).WriteSized(IntegrityHmac).WriteBytes(EncIdentity).ToArray();
}
