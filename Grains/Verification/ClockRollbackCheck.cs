using OrleansAttest.Grains.Node;
using OrleansAttest.Tpm.Evidence;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// Rollback checks on a verified quote's clockInfo and firmwareVersion against the last accepted quote. A TPM's
/// resetCount only grows (each TPM Reset), its restartCount only grows within one resetCount (each Restart or
/// Resume), its clock only moves forward within one boot, and firmware does not silently downgrade. A counter that
/// goes back means restored TPM state, another TPM, or forged evidence. <c>safe</c> = YES is the TPM's word that it
/// never reported a clock above the current one (TPM 2.0 Part 2 §10.11.1), across resets and restarts too: so a safe
/// clock below an accepted one is a rollback in any boot (a restored TPM state followed by one Resume, for instance).
/// <c>safe</c> = NO means the clock may once have been reported higher (a shutdown without TPM2_Shutdown), so it is
/// compared only within one boot.
/// </summary>
public static class ClockRollbackCheck
{
    /// <summary>Null when <paramref name="current"/> is consistent with <paramref name="previous"/> (or there is none yet).</summary>
    public static CheckFailure? Check(ClockBaseline? previous, TpmsClockInfo current, ulong firmwareVersion, bool requireSafe = true)
    {
        if (previous is not null)
        {
            if (current.ResetCount < previous.ResetCount)
                return new CheckFailure(NodeReasons.ResetCountRollback,
                    $"the quote's resetCount {current.ResetCount} is below {previous.ResetCount} of the last accepted quote: the TPM's reset counter went back");
            if (current.ResetCount == previous.ResetCount && current.RestartCount < previous.RestartCount)
                return new CheckFailure(NodeReasons.RestartCountRollback,
                    $"the quote's restartCount {current.RestartCount} is below {previous.RestartCount} of the last accepted quote within resetCount {current.ResetCount}: the TPM's restart counter went back");
            bool sameBoot = current.ResetCount == previous.ResetCount && current.RestartCount == previous.RestartCount;
            if (sameBoot && current.Clock < previous.Clock)
                return new CheckFailure(NodeReasons.ClockRollback,
                    $"the quote's clock {current.Clock} ms is before {previous.Clock} ms of the last accepted quote within the same boot (resetCount {current.ResetCount}, restartCount {current.RestartCount}): the TPM clock went back");
            if (current.Safe && current.Clock < previous.Clock)
                return new CheckFailure(NodeReasons.ClockRollback,
                    $"the quote's clock {current.Clock} ms (resetCount {current.ResetCount}, restartCount {current.RestartCount}) is before {previous.Clock} ms of the last accepted quote (resetCount {previous.ResetCount}, restartCount {previous.RestartCount}) while clockInfo.safe is YES, the TPM's word that it never reported a higher clock: the TPM clock went back");
        }
        if (requireSafe && !current.Safe)
            return new CheckFailure(NodeReasons.ClockUnsafe,
                $"the quote's clockInfo.safe is NO (clock {current.Clock} ms, resetCount {current.ResetCount}): the TPM cannot vouch that its clock never reported a higher value, so clock rollback cannot be ruled out");
        if (previous is not null && firmwareVersion < previous.FirmwareVersion)
            return new CheckFailure(NodeReasons.FirmwareRollback,
                $"the quote's firmwareVersion 0x{firmwareVersion:x16} is older than 0x{previous.FirmwareVersion:x16} of the last accepted quote: the TPM firmware was downgraded");
        return null;
    }

    public static ClockBaseline BaselineOf(TpmsClockInfo clock, ulong firmwareVersion) =>
        new(clock.Clock, clock.ResetCount, clock.RestartCount, firmwareVersion);
}
