using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12): what the TPM signs for Quote, Certify and friends. The parser checks
/// structure only; whether magic and type are right is the verifier's judgement (it reports them as reason codes).
/// </summary>
public sealed record TpmsAttest
{
    /// <summary>TPM_GENERATED_VALUE: "\xffTCG". A restricted key signs only digests of data starting with it.</summary>
    public const uint TpmGeneratedValue = 0xff544347;

    /// <summary>sizeof(TPMU_NAME) = sizeof(TPMT_HA) = 2 + 64.</summary>
    public const int MaxNameBytes = 66;

    /// <summary>TPM2B_DATA holds at most sizeof(TPMT_HA).</summary>
    public const int MaxExtraDataBytes = 66;

    /// <summary>TPM2B_DIGEST holds at most sizeof(TPMU_HA) (SHA-512).</summary>
    public const int MaxDigestBytes = 64;

    public required uint Magic { get; init; }
    public required TpmStructureTag Type { get; init; }
    public required byte[] QualifiedSigner { get; init; }
    public required byte[] ExtraData { get; init; }
    public required TpmsClockInfo ClockInfo { get; init; }
    public required ulong FirmwareVersion { get; init; }
    public required TpmsAttestInfo Attested { get; init; }

    public bool HasGeneratedMagic => Magic == TpmGeneratedValue;

    /// <summary>The quote information, or null when this is not a quote.</summary>
    public TpmsQuoteInfo? Quote => Type == TpmStructureTag.AttestQuote ? Attested as TpmsQuoteInfo : null;

    /// <summary>The certify information, or null when this is not a certify.</summary>
    public TpmsCertifyInfo? Certify => Type == TpmStructureTag.AttestCertify ? Attested as TpmsCertifyInfo : null;

    /// <summary>Parses a raw TPMS_ATTEST (the quote message; no TPM2B size prefix) that must fill <paramref name="data"/>.</summary>
    public static TpmsAttest Parse(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPMS_ATTEST");
        var result = Read(ref reader);
        reader.ExpectEnd();
        return result;
    }

    /// <summary>Parses a TPM2B_ATTEST (size ‖ TPMS_ATTEST), as TPM2_Quote returns it.</summary>
    public static TpmsAttest ParseSized(ReadOnlySpan<byte> data)
    {
        var reader = new TpmReader(data, "TPM2B_ATTEST");
        var body = reader.ReadSized("TPM2B_ATTEST");
        reader.ExpectEnd();
        return Parse(body);
    }

    public static TpmsAttest Read(ref TpmReader reader)
    {
        var outer = reader.Structure;
        reader.Structure = "TPMS_ATTEST";
        try
        {
            var magic = reader.ReadUInt32("magic");
            var type = (TpmStructureTag)reader.ReadUInt16("type");
            var qualifiedSigner = reader.ReadSized("qualifiedSigner", MaxNameBytes).ToArray();
            var extraData = reader.ReadSized("extraData", MaxExtraDataBytes).ToArray();
            var clockInfo = TpmsClockInfo.Read(ref reader);
            var firmwareVersion = reader.ReadUInt64("firmwareVersion");
            TpmsAttestInfo attested = type switch
            {
                TpmStructureTag.AttestQuote => TpmsQuoteInfo.Read(ref reader),
                TpmStructureTag.AttestCertify => TpmsCertifyInfo.Read(ref reader),
                _ => TpmsOpaqueAttestInfo.Read(ref reader, type),
            };
            return new TpmsAttest
            {
                Magic = magic, Type = type, QualifiedSigner = qualifiedSigner, ExtraData = extraData,
                ClockInfo = clockInfo, FirmwareVersion = firmwareVersion, Attested = attested,
            };
        }
        finally
        {
            reader.Structure = outer;
        }
    }

    public void WriteTo(TpmWriter writer)
    {
        writer.WriteUInt32(Magic).WriteUInt16((ushort)Type).WriteSized(QualifiedSigner).WriteSized(ExtraData);
        ClockInfo.WriteTo(writer);
        writer.WriteUInt64(FirmwareVersion);
        Attested.WriteTo(writer);
    }

    /// <summary>The raw TPMS_ATTEST bytes (what the TPM signs).</summary>
    public byte[] ToBytes()
    {
        var writer = new TpmWriter(160);
        WriteTo(writer);
        return writer.ToArray();
    }
}
