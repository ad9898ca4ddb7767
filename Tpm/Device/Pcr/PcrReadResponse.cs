using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Pcr;

/// <summary>One TPM2_PCR_Read answer: the update counter, the PCRs this answer covers (at most 8), their digests in order.</summary>
public sealed record PcrReadResponse(uint UpdateCounter, PcrSelection Selection, IReadOnlyList<byte[]> Digests);
