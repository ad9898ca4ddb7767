using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>How a <see cref="SimulatedDevice"/> is made: its PCR banks, the firmware it boots, its TPM counters.</summary>
public sealed record SimulatedDeviceOptions
{
    public static SimulatedDeviceOptions Default { get; } = new();

    /// <summary>Allocated PCR banks, reported in the hello.</summary>
    public IReadOnlyList<TpmAlgorithm> PcrBanks { get; init; } = [TpmAlgorithm.Sha256];

    /// <summary>Measured into the PCRs at creation and at every <see cref="SimulatedDevice.Reboot"/>.</summary>
    public SimulatedFirmware Firmware { get; init; } = SimulatedFirmware.Golden;

    /// <summary>resetCount at creation (TPM Resets since manufacture); each reboot adds one.</summary>
    public uint ResetCount { get; init; } = 1;

    /// <summary>restartCount at creation (TPM Restarts and Resumes since the last Reset).</summary>
    public uint RestartCount { get; init; }

    /// <summary>The TPM firmware version quotes carry.</summary>
    public ulong FirmwareVersion { get; init; } = 0x0002_0000_0001_0000;

    /// <summary>The TPM clock (ms) at creation; it then advances in real time and never goes back.</summary>
    public ulong InitialClockMilliseconds { get; init; } = 1_000_000;

    public string AgentVersion { get; init; } = "orleansattest-simulated-agent/1";
}
