namespace OrleansAttest.Tpm.Device.Attestation;

/// <summary>
/// TPM2_Quote's answer as evidence: <see cref="Attest"/> is the TPMS_ATTEST (the contents of TPM2B_ATTEST, i.e. the
/// signed message, tpm2_quote's -m file) and <see cref="Signature"/> the marshalled TPMT_SIGNATURE (tpm2_quote's -s file).
/// </summary>
public sealed record TpmQuote(byte[] Attest, byte[] Signature);
