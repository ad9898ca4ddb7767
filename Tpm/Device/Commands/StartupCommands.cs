namespace OrleansAttest.Tpm.Device.Commands;

/// <summary>TPM2_Startup (Part 3, 9.3).</summary>
public static class StartupCommands
{
    /// <summary>TPM_SU_CLEAR (0) resets PCRs; TPM_SU_STATE (1) resumes saved state.</summary>
    public static TpmCommand Startup(bool clear = true)
    {
        var command = new TpmCommand(TpmCommandCode.Startup);
        command.Parameters.WriteUInt16(clear ? (ushort)0 : (ushort)1);
        return command;
    }
}
