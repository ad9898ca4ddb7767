namespace OrleansAttest.Tpm.Device.Sessions;

/// <summary>One TPMS_AUTH_RESPONSE: the TPM's new nonce, the session attributes, and the response HMAC (empty for password and plain policy sessions).</summary>
public sealed record TpmAuthorizationResponse(byte[] NonceTpm, TpmSessionAttributes Attributes, byte[] Hmac);
