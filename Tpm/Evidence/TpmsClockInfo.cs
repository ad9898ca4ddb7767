using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// TPMS_CLOCK_INFO (TPM 2.0 Part 2, 10.11.1): the TPM's clock when it signed. The verifier only reports these;
/// the caller that remembers earlier quotes checks that resetCount/restartCount never go back and clock moves on.
/// </summary>
public readonly record struct TpmsClockInfo(ulong Clock, uint ResetCount, uint RestartCount, bool Safe)
{
    public const int Size = 8 + 4 + 4 + 1;

    public static TpmsClockInfo Read(ref TpmReader reader)
    {
        var clock = reader.ReadUInt64("clockInfo.clock");
        var resetCount = reader.ReadUInt32("clockInfo.resetCount");
        var restartCount = reader.ReadUInt32("clockInfo.restartCount");
        int at = reader.Position;
        var safe = reader.ReadByte("clockInfo.safe");
        // TPMI_YES_NO admits only 0 and 1; anything else did not come from a TPM.
        if (safe > 1)
            throw new TpmParseException(reader.Structure, $"clockInfo.safe is {safe}, not YES (1) or NO (0)", at);
        return new TpmsClockInfo(clock, resetCount, restartCount, safe == 1);
    }

    public void WriteTo(TpmWriter writer) =>
        writer.WriteUInt64(Clock).WriteUInt32(ResetCount).WriteUInt32(RestartCount).WriteByte(Safe ? (byte)1 : (byte)0);
}
