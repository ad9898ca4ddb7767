using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Nv;

/// <summary>TPM2_NV_ReadPublic (Part 3, 31.6) and TPM2_NV_Read (31.13).</summary>
public static class NvCommands
{
    /// <summary>TPM2B_MAX_NV_BUFFER: no TPM hands out more in one read (MAX_NV_BUFFER_SIZE is 1024 or 2048 in practice).</summary>
    private const int MaxNvBuffer = 4096;

    public static TpmCommand NvReadPublic(uint nvIndex) =>
        new TpmCommand(TpmCommandCode.NvReadPublic).Handle(nvIndex);

    public static NvPublic ParseNvReadPublic(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        int at = reader.Position;
        var body = reader.ReadSized("nvPublic");
        var name = reader.ReadSized("nvName", 2 + TpmPublic.MaxDigestBytes).ToArray();
        reader.ExpectEnd();

        var inner = new TpmReader(body, "TPMS_NV_PUBLIC");
        uint index = inner.ReadUInt32("nvIndex");
        if (TpmHandles.TypeOf(index) != 0x01)
            throw new TpmParseException(reader.Structure, $"nvIndex 0x{index:x8} is not an NV index handle", at + 2);
        var nameAlg = TpmHash.ReadHashAlg(ref inner, "nameAlg");
        var attributes = (NvAttributes)inner.ReadUInt32("attributes");
        var authPolicy = inner.ReadSized("authPolicy", TpmPublic.MaxDigestBytes).ToArray();
        ushort dataSize = inner.ReadUInt16("dataSize");
        inner.ExpectEnd();
        return new NvPublic(index, nameAlg, attributes, authPolicy, dataSize, name);
    }

    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/>, authorized by <paramref name="authHandle"/> (owner, platform or the index itself).</summary>
    public static TpmCommand NvRead(uint authHandle, uint nvIndex, ushort size, ushort offset, TpmAuthorization? authorization = null)
    {
        var command = new TpmCommand(TpmCommandCode.NvRead).Handle(authHandle).Handle(nvIndex)
            .Authorize(authorization ?? TpmAuthorization.Password());
        command.Parameters.WriteUInt16(size).WriteUInt16(offset);
        return command;
    }

    public static byte[] ParseNvRead(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        var data = reader.ReadSized("data", MaxNvBuffer).ToArray();
        reader.ExpectEnd();
        return data;
    }
}
