using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Pcr;

/// <summary>
/// PCR values read consistently: all were read while the TPM's pcrUpdateCounter stayed at <see cref="UpdateCounter"/>.
/// </summary>
public sealed record PcrReadResult(uint UpdateCounter, PcrSelection Selection, PcrValues Values)
{
    public byte[] Get(TpmAlgorithm bank, int index) => Values[bank, index];

    /// <summary>All digests concatenated in digest order (the input of a quote's pcrDigest, and tpm2_pcrread -o's file).</summary>
    public byte[] Concatenated() => Values.Concatenated(Selection);
}
