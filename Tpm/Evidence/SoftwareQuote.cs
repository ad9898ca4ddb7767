namespace OrleansAttest.Tpm.Evidence;

/// <summary>A quote made by a <see cref="SoftwareAttestationKey"/>: the TPMS_ATTEST bytes and their TPMT_SIGNATURE.</summary>
public sealed record SoftwareQuote(byte[] Message, byte[] Signature);
