namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>TPM_CAP (TPM 2.0 Part 2, 6.12).</summary>
public enum TpmCapability : uint
{
    Algorithms = 0,
    Handles = 1,
    Commands = 2,
    PpCommands = 3,
    AuditCommands = 4,
    Pcrs = 5,
    TpmProperties = 6,
    PcrProperties = 7,
    EccCurves = 8,
}
