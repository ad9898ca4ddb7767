using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>TPM2_GetCapability (TPM 2.0 Part 3, 30.2): marshalling and response decoding.</summary>
public static class CapabilityCommands
{
    /// <summary>A TPM answers with at most MAX_CAP_BUFFER (about 1 KiB) of data; this bounds every list.</summary>
    private const int MaxEntries = 1024;

    public static TpmCommand GetCapability(TpmCapability capability, uint property, uint propertyCount)
    {
        var command = new TpmCommand(TpmCommandCode.GetCapability);
        command.Parameters.WriteUInt32((uint)capability).WriteUInt32(property).WriteUInt32(propertyCount);
        return command;
    }

    public static TpmCapabilityData ParseGetCapability(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        int at = reader.Position;
        byte moreData = reader.ReadByte("moreData");
        if (moreData > 1)
            throw new TpmParseException(reader.Structure, $"moreData is {moreData}, not YES (1) or NO (0)", at);
        at = reader.Position;
        var capability = (TpmCapability)reader.ReadUInt32("capabilityData.capability");
        var data = new TpmCapabilityData(capability, moreData == 1);
        data = capability switch
        {
            TpmCapability.Algorithms => data with { Algorithms = ReadList(ref reader, "algorithms", 6, (ref TpmReader r) => new TpmAlgorithmProperty((TpmAlgorithm)r.ReadUInt16("alg"), r.ReadUInt32("algProperties"))) },
            TpmCapability.Handles => data with { Handles = ReadList(ref reader, "handles", 4, (ref TpmReader r) => r.ReadUInt32("handle")) },
            TpmCapability.Commands or TpmCapability.PpCommands or TpmCapability.AuditCommands =>
                data with { Commands = ReadList(ref reader, "commands", 4, (ref TpmReader r) => r.ReadUInt32("command")) },
            TpmCapability.Pcrs => data with { Pcrs = PcrSelection.Read(ref reader) },
            TpmCapability.TpmProperties => data with { Properties = ReadList(ref reader, "tpmProperty", 8, (ref TpmReader r) => new TpmTaggedProperty((TpmPropertyTag)r.ReadUInt32("property"), r.ReadUInt32("value"))) },
            TpmCapability.EccCurves => data with { Curves = ReadList(ref reader, "eccCurves", 2, (ref TpmReader r) => (TpmEccCurve)r.ReadUInt16("curve")) },
            _ => throw new TpmParseException(reader.Structure, $"capability 0x{(uint)capability:x} is not one this client decodes", at),
        };
        reader.ExpectEnd();
        return data;
    }

    private delegate T ElementReader<out T>(ref TpmReader reader);

    private static List<T> ReadList<T>(ref TpmReader reader, string field, int elementSize, ElementReader<T> read)
    {
        int count = reader.ReadCount($"{field}.count", MaxEntries, elementSize);
        var list = new List<T>(count);
        for (int i = 0; i < count; i++)
            list.Add(read(ref reader));
        return list;
    }
}
