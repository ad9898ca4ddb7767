using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Sessions;

/// <summary>TPM2_StartAuthSession (Part 3, 11.1) and TPM2_PolicySecret (23.4).</summary>
public static class SessionCommands
{
    /// <summary>
    /// An unsalted, unbound session (tpmKey and bind TPM_RH_NULL) with symmetric NULL: enough for a policy that
    /// needs no HMAC, such as the EK's PolicySecret(TPM_RH_ENDORSEMENT).
    /// </summary>
    public static TpmCommand StartAuthSession(TpmSessionType type, byte[] nonceCaller, TpmAlgorithm authHash = TpmAlgorithm.Sha256)
    {
        // Part 1, 19.6.3: nonceCaller must be at least 16 bytes and at most the digest size of authHash.
        if (nonceCaller.Length < 16 || nonceCaller.Length > TpmHash.DigestSize(authHash))
            throw new ArgumentException($"nonceCaller must be 16 to {TpmHash.DigestSize(authHash)} bytes, not {nonceCaller.Length}", nameof(nonceCaller));
        var command = new TpmCommand(TpmCommandCode.StartAuthSession, responseHandles: 1).Handle(TpmHandles.Null).Handle(TpmHandles.Null);
        command.Parameters.WriteSized(nonceCaller).WriteSized([]).WriteByte((byte)type)
            .WriteUInt16((ushort)TpmAlgorithm.Null).WriteUInt16((ushort)authHash);
        return command;
    }

    public static StartAuthSessionResult ParseStartAuthSession(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var nonce = reader.ReadSized("nonceTPM", TpmPublic.MaxDigestBytes).ToArray();
        reader.ExpectEnd();
        uint handle = response.Handles[0];
        if (TpmHandles.TypeOf(handle) is not (0x02 or 0x03))
            throw new TpmParseException($"TPM2_{response.Command} response", $"sessionHandle 0x{handle:x8} is not a session handle", 10);
        return new StartAuthSessionResult(handle, nonce);
    }

    /// <summary>
    /// PolicySecret(<paramref name="authHandle"/>) on <paramref name="policySession"/>, authorized with the entity's
    /// password; no nonceTPM, cpHash or policyRef, no expiration (so no ticket is asked for).
    /// </summary>
    public static TpmCommand PolicySecret(uint authHandle, uint policySession, TpmAuthorization? authorization = null)
    {
        var command = new TpmCommand(TpmCommandCode.PolicySecret).Handle(authHandle).Handle(policySession)
            .Authorize(authorization ?? TpmAuthorization.Password());
        command.Parameters.WriteSized([]).WriteSized([]).WriteSized([]).WriteUInt32(0);
        return command;
    }

    public static void ParsePolicySecret(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        reader.ReadSized("timeout", 8);
        int at = reader.Position;
        var tag = (TpmStructureTag)reader.ReadUInt16("policyTicket.tag");
        if (tag != TpmStructureTag.AuthSecret)
            throw new TpmParseException(reader.Structure, $"policyTicket.tag is 0x{(ushort)tag:x4}, not TPM_ST_AUTH_SECRET", at);
        reader.ReadUInt32("policyTicket.hierarchy");
        reader.ReadSized("policyTicket.digest", TpmPublic.MaxDigestBytes);
        reader.ExpectEnd();
    }
}
