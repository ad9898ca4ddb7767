namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// TCG_EfiStartupLocalityEvent (EV_NO_ACTION, "StartupLocality\0" + 1 byte): the locality TPM2_Startup came from.
/// PCR 0 then starts at 00…0L instead of zeros (L = 3 on platforms whose CRTM starts the TPM from locality 3).
/// </summary>
public sealed record StartupLocalityEvent(byte Locality) : EventDetail
{
    public static ReadOnlySpan<byte> Signature => "StartupLocality\0"u8;

    public override string Summary => $"StartupLocality={Locality}";

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    public static StartupLocalityEvent Parse(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "TCG_EfiStartupLocalityEvent", baseOffset);
        if (!reader.ReadBytes(16, "Signature").SequenceEqual(Signature))
            throw reader.Fail("signature is not \"StartupLocality\"", 0);
        int at = reader.Position;
        byte locality = reader.ReadByte("StartupLocality");
        if (locality > 4)
            throw reader.Fail($"StartupLocality {locality} is not a TPM locality 0–4", at);
        reader.ExpectEnd();
        return new StartupLocalityEvent(locality);
    }

    public byte[] ToBytes() => [.. Signature, Locality];
}
