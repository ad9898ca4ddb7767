namespace OrleansAttest.Tpm.Device.Sessions;

/// <summary>TPM2_StartAuthSession's answer: the session handle and the TPM's first nonce.</summary>
public sealed record StartAuthSessionResult(uint Handle, byte[] NonceTpm);
