using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Attestation;

/// <summary>TPM2_Quote (Part 3, 18.4) and TPM2_ActivateCredential (12.5).</summary>
public static class AttestationCommands
{
    /// <summary>TPM2B_DATA holds at most sizeof(TPMT_HA) = 2 + 64 bytes.</summary>
    public const int MaxQualifyingData = 66;

    /// <summary>TPMS_ATTEST of a quote is a few hundred bytes; this is a generous bound.</summary>
    private const int MaxAttest = 4096;

    /// <summary>A quote signed by <paramref name="signingKey"/> with the key's own scheme (inScheme TPM_ALG_NULL).</summary>
    public static TpmCommand Quote(uint signingKey, ReadOnlySpan<byte> qualifyingData, PcrSelection selection, TpmAuthorization? authorization = null)
    {
        if (qualifyingData.Length > MaxQualifyingData)
            throw new ArgumentException($"qualifyingData (the nonce) holds at most {MaxQualifyingData} bytes, not {qualifyingData.Length}", nameof(qualifyingData));
        var command = new TpmCommand(TpmCommandCode.Quote).Handle(signingKey).Authorize(authorization ?? TpmAuthorization.Password());
        command.Parameters.WriteSized(qualifyingData).WriteUInt16((ushort)TpmAlgorithm.Null);
        selection.WriteTo(command.Parameters);
        return command;
    }

    public static TpmQuote ParseQuote(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        int at = reader.Position;
        var attest = reader.ReadSized("quoted", MaxAttest).ToArray();
        if (attest.Length == 0)
            throw new TpmParseException(reader.Structure, "quoted (TPM2B_ATTEST) is empty", at);
        int signatureStart = reader.Position;
        TpmtSignature.Read(ref reader); // shape only: whether it is valid is the verifier's business
        var signature = reader.ConsumedSince(signatureStart).ToArray();
        reader.ExpectEnd();
        return new TpmQuote(attest, signature);
    }

    /// <summary>
    /// ActivateCredential: <paramref name="activateHandle"/> is the key named in the credential (the AK; ADMIN role),
    /// <paramref name="keyHandle"/> the key that decrypts the seed (the EK; USER role, its policy session).
    /// <paramref name="credentialBlob"/> and <paramref name="secret"/> are the contents of TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET.
    /// </summary>
    public static TpmCommand ActivateCredential(uint activateHandle, uint keyHandle, ReadOnlySpan<byte> credentialBlob, ReadOnlySpan<byte> secret,
        TpmAuthorization activateAuthorization, TpmAuthorization keyAuthorization)
    {
        var command = new TpmCommand(TpmCommandCode.ActivateCredential).Handle(activateHandle).Handle(keyHandle)
            .Authorize(activateAuthorization).Authorize(keyAuthorization);
        command.Parameters.WriteSized(credentialBlob).WriteSized(secret);
        return command;
    }

    /// <summary>certInfo: the credential (secret) that MakeCredential protected.</summary>
    public static byte[] ParseActivateCredential(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var certInfo = reader.ReadSized("certInfo", TpmPublic.MaxDigestBytes).ToArray();
        reader.ExpectEnd();
        return certInfo;
    }
}
