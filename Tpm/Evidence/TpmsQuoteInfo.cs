using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>TPMS_QUOTE_INFO (TPM 2.0 Part 2, 10.12.4): the PCRs quoted and the digest of their values.</summary>
public sealed record TpmsQuoteInfo(PcrSelection PcrSelect, byte[] PcrDigest) : TpmsAttestInfo
{
    public static TpmsQuoteInfo Read(ref TpmReader reader)
    {
        var selection = PcrSelection.Read(ref reader);
        var digest = reader.ReadSized("pcrDigest", TpmsAttest.MaxDigestBytes).ToArray();
        return new TpmsQuoteInfo(selection, digest);
    }

    public override void WriteTo(TpmWriter writer)
    {
        PcrSelect.WriteTo(writer);
        writer.WriteSized(PcrDigest);
    }
}
