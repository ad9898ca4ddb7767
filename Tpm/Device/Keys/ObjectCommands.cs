using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>Object commands (TPM 2.0 Part 3): ReadPublic (12.4), CreatePrimary (24.1), Create (12.1), Load (12.2), FlushContext (28.4).</summary>
public static class ObjectCommands
{
    private const int MaxName = 2 + TpmPublic.MaxDigestBytes;
    /// <summary>TPM2B_PRIVATE: an encrypted sensitive area; a few hundred bytes even for RSA-4096.</summary>
    public const int MaxPrivate = 2048;

    public static TpmCommand ReadPublic(uint handle) =>
        new TpmCommand(TpmCommandCode.ReadPublic).Handle(handle);

    public static ReadPublicResult ParseReadPublic(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var outPublic = TpmPublic.ReadSized(ref reader);
        var name = reader.ReadSized("name", MaxName).ToArray();
        var qualifiedName = reader.ReadSized("qualifiedName", MaxName).ToArray();
        reader.ExpectEnd();
        return new ReadPublicResult(outPublic, name, qualifiedName);
    }

    /// <summary>CreatePrimary in <paramref name="hierarchy"/> with an empty userAuth, no outsideInfo and no creation PCRs.</summary>
    public static TpmCommand CreatePrimary(uint hierarchy, TpmPublic template, TpmAuthorization? authorization = null)
    {
        var command = new TpmCommand(TpmCommandCode.CreatePrimary, responseHandles: 1).Handle(hierarchy)
            .Authorize(authorization ?? TpmAuthorization.Password());
        WriteCreateParameters(command.Parameters, template);
        return command;
    }

    public static CreatePrimaryResult ParseCreatePrimary(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var outPublic = TpmPublic.ReadSized(ref reader);
        SkipCreationOutputs(ref reader);
        var name = reader.ReadSized("name", MaxName).ToArray();
        reader.ExpectEnd();
        return new CreatePrimaryResult(response.Handles[0], outPublic, name);
    }

    /// <summary>Create of an ordinary object under <paramref name="parent"/> (which needs <paramref name="authorization"/>, e.g. the EK's policy session).</summary>
    public static TpmCommand Create(uint parent, TpmPublic template, TpmAuthorization authorization)
    {
        var command = new TpmCommand(TpmCommandCode.Create).Handle(parent).Authorize(authorization);
        WriteCreateParameters(command.Parameters, template);
        return command;
    }

    public static CreateResult ParseCreate(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        int start = reader.Position;
        var outPrivate = reader.ReadSized("outPrivate", MaxPrivate);
        if (outPrivate.IsEmpty)
            throw new TpmParseException(reader.Structure, "outPrivate is empty", start);
        var privateBytes = reader.ConsumedSince(start).ToArray();
        start = reader.Position;
        var outPublic = TpmPublic.ReadSized(ref reader);
        var publicBytes = reader.ConsumedSince(start).ToArray();
        SkipCreationOutputs(ref reader);
        reader.ExpectEnd();
        return new CreateResult(privateBytes, publicBytes, outPublic);
    }

    /// <summary>Load of a TPM2B_PRIVATE / TPM2B_PUBLIC pair (size prefixes included) under <paramref name="parent"/>.</summary>
    public static TpmCommand Load(uint parent, ReadOnlySpan<byte> privateBytes, ReadOnlySpan<byte> publicBytes, TpmAuthorization authorization)
    {
        var command = new TpmCommand(TpmCommandCode.Load, responseHandles: 1).Handle(parent).Authorize(authorization);
        command.Parameters.WriteBytes(privateBytes).WriteBytes(publicBytes);
        return command;
    }

    public static LoadResult ParseLoad(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var name = reader.ReadSized("name", MaxName).ToArray();
        reader.ExpectEnd();
        return new LoadResult(response.Handles[0], name);
    }

    /// <summary>FlushContext takes the handle as a parameter, not in the handle area, and no session.</summary>
    public static TpmCommand FlushContext(uint handle)
    {
        var command = new TpmCommand(TpmCommandCode.FlushContext);
        command.Parameters.WriteUInt32(handle);
        return command;
    }

    public static void ParseFlushContext(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        reader.ExpectEnd();
    }

    /// <summary>TPM2B_SENSITIVE_CREATE (empty userAuth and data), TPM2B_PUBLIC, empty outsideInfo, empty creationPCR.</summary>
    private static void WriteCreateParameters(TpmWriter parameters, TpmPublic template)
    {
        parameters.WriteSized(w => w.WriteSized([]).WriteSized([]));
        parameters.WriteSized(template.ToBytes());
        parameters.WriteSized([]);
        parameters.WriteUInt32(0);
    }

    /// <summary>TPM2B_CREATION_DATA, TPM2B_DIGEST creationHash, TPMT_TK_CREATION: checked for shape, not used.</summary>
    private static void SkipCreationOutputs(ref TpmReader reader)
    {
        reader.ReadSized("creationData");
        reader.ReadSized("creationHash", TpmPublic.MaxDigestBytes);
        int at = reader.Position;
        var tag = (TpmStructureTag)reader.ReadUInt16("creationTicket.tag");
        if (tag != TpmStructureTag.Creation)
            throw new TpmParseException(reader.Structure, $"creationTicket.tag is 0x{(ushort)tag:x4}, not TPM_ST_CREATION", at);
        reader.ReadUInt32("creationTicket.hierarchy");
        reader.ReadSized("creationTicket.digest", TpmPublic.MaxDigestBytes);
    }
}
