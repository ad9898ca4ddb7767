using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Device.Sessions;

/// <summary>One TPMS_AUTH_COMMAND of a command's authorization area (TPM 2.0 Part 1, 18.6).</summary>
public sealed record TpmAuthorization(uint SessionHandle, byte[] Nonce, TpmSessionAttributes Attributes, byte[] Hmac)
{
    /// <summary>
    /// TPM_RS_PW with the entity's authValue in the hmac field (empty for the default empty password). No attributes,
    /// as tpm2-tss sends it (continueSession means nothing for TPM_RS_PW), so our bytes equal tpm2-tools'.
    /// </summary>
    public static TpmAuthorization Password(byte[]? authValue = null) =>
        new(TpmHandles.PasswordSession, [], TpmSessionAttributes.None, authValue ?? []);

    /// <summary>
    /// A policy session whose policy needs no HMAC (no PolicyAuthValue/PolicyPassword, unbound, unsalted).
    /// continueSession stays set so the session outlives the command and our finally block is the only place it is flushed.
    /// </summary>
    public static TpmAuthorization Policy(uint sessionHandle) =>
        new(sessionHandle, [], TpmSessionAttributes.ContinueSession, []);

    public void WriteTo(TpmWriter writer)
    {
        writer.WriteUInt32(SessionHandle).WriteSized(Nonce).WriteByte((byte)Attributes).WriteSized(Hmac);
    }
}
