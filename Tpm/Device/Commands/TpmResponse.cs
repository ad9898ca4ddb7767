using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Commands;

/// <summary>
/// A TPM response split into its areas (TPM 2.0 Part 1, 18.8): header, handles, parameters (sized by
/// parameterSize when the tag is TPM_ST_SESSIONS), and one authorization response per command session.
/// An error response is the 10-byte header alone.
/// </summary>
public sealed class TpmResponse
{
    /// <summary>A session nonce is at most a digest (64 bytes); an HMAC likewise.</summary>
    private const int MaxNonceOrHmac = 64;

    private TpmResponse(TpmCommandCode command, TpmResponseCode code, uint[] handles, byte[] parameters, TpmAuthorizationResponse[] authorizations)
    {
        Command = command;
        Code = code;
        Handles = handles;
        Parameters = parameters;
        Authorizations = authorizations;
    }

    public TpmCommandCode Command { get; }
    public TpmResponseCode Code { get; }
    public IReadOnlyList<uint> Handles { get; }
    public byte[] Parameters { get; }
    public IReadOnlyList<TpmAuthorizationResponse> Authorizations { get; }

    public bool IsSuccess => Code.IsSuccess;

    /// <summary>Throws <see cref="TpmException"/> when the TPM did not answer with success.</summary>
    public TpmResponse EnsureSuccess()
    {
        if (!IsSuccess)
            throw new TpmException(Command, Code);
        return this;
    }

    /// <summary>A reader over the parameter area, labelled with the command for error messages.</summary>
    public TpmReader ParameterReader() => new(Parameters, $"TPM2_{Command} response");

    /// <summary>Splits a response to <paramref name="command"/>.</summary>
    public static TpmResponse Parse(ReadOnlySpan<byte> response, TpmCommand command) =>
        Parse(response, command.Code, command.ResponseHandles, command.Authorizations.Count);

    public static TpmResponse Parse(ReadOnlySpan<byte> response, TpmCommandCode command, int handleCount, int sessionCount)
    {
        var reader = new TpmReader(response, $"TPM2_{command} response");
        var tag = (TpmStructureTag)reader.ReadUInt16("tag");
        uint size = reader.ReadUInt32("responseSize");
        if (size != response.Length)
            throw new TpmParseException(reader.Structure, $"responseSize {size} does not equal the {response.Length} bytes received", 2);
        var code = new TpmResponseCode(reader.ReadUInt32("responseCode"));
        if (!code.IsSuccess)
        {
            // An error response carries nothing else (Part 1, 18.8); more would mean we are out of step with the TPM.
            if (tag != TpmStructureTag.NoSessions)
                throw new TpmParseException(reader.Structure, $"error response {code.Raw:X} has tag 0x{(ushort)tag:x4}, not TPM_ST_NO_SESSIONS", 0);
            reader.ExpectEnd();
            return new TpmResponse(command, code, [], [], []);
        }

        var expectedTag = sessionCount > 0 ? TpmStructureTag.Sessions : TpmStructureTag.NoSessions;
        if (tag != expectedTag)
            throw new TpmParseException(reader.Structure, $"tag 0x{(ushort)tag:x4} does not match the command's (expected 0x{(ushort)expectedTag:x4})", 0);

        var handles = new uint[handleCount];
        for (int i = 0; i < handleCount; i++)
            handles[i] = reader.ReadUInt32($"handle[{i}]");

        byte[] parameters;
        var authorizations = new TpmAuthorizationResponse[sessionCount];
        if (sessionCount == 0)
        {
            parameters = reader.ReadRest().ToArray();
        }
        else
        {
            int at = reader.Position;
            uint parameterSize = reader.ReadUInt32("parameterSize");
            if (parameterSize > reader.Remaining)
                throw new TpmParseException(reader.Structure, $"parameterSize {parameterSize} exceeds the {reader.Remaining} bytes left", at);
            parameters = reader.ReadBytes((int)parameterSize, "parameters").ToArray();
            for (int i = 0; i < sessionCount; i++)
            {
                var nonce = reader.ReadSized($"authorization[{i}].nonceTPM", MaxNonceOrHmac).ToArray();
                var attributes = (TpmSessionAttributes)reader.ReadByte($"authorization[{i}].sessionAttributes");
                var hmac = reader.ReadSized($"authorization[{i}].hmac", MaxNonceOrHmac).ToArray();
                authorizations[i] = new TpmAuthorizationResponse(nonce, attributes, hmac);
            }
            reader.ExpectEnd();
        }
        return new TpmResponse(command, code, handles, parameters, authorizations);
    }
}
