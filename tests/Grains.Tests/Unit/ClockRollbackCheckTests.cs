using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Verification;
using OrleansAttest.Tpm.Evidence;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class ClockRollbackCheckTests
{
    private static readonly ClockBaseline Previous = new(Clock: 50_000, ResetCount: 7, RestartCount: 2, FirmwareVersion: 0x0002_0000_0000_0001);

    private static CheckFailure? Check(ulong clock, uint reset, uint restart, bool safe = true, ulong firmware = 0x0002_0000_0000_0001, bool requireSafe = true) =>
        ClockRollbackCheck.Check(Previous, new TpmsClockInfo(clock, reset, restart, safe), firmware, requireSafe);

    [Fact]
    public void Forward_movement_passes()
    {
        Assert.Null(Check(50_001, 7, 2));
        Assert.Null(Check(50_000, 7, 2)); // two quotes within one millisecond
        Assert.Null(Check(50_100, 7, 3)); // a restart: the clock keeps running
        Assert.Null(Check(50_100, 8, 0)); // a reset: restartCount starts over
        // After a shutdown without TPM2_Shutdown the clock resumes from its last NV copy, below what was reported, and
        // safe is NO: allowed where the policy accepts unsafe clocks.
        Assert.Null(Check(10, 7, 3, safe: false, requireSafe: false));
        Assert.Null(Check(10, 8, 0, safe: false, requireSafe: false));
        Assert.Null(Check(50_001, 7, 2, firmware: 0x0003_0000_0000_0000)); // a firmware upgrade
        Assert.Null(ClockRollbackCheck.Check(null, new TpmsClockInfo(1, 0, 0, true), 0)); // the first quote sets the baseline
    }

    [Fact]
    public void Each_rollback_has_its_own_reason()
    {
        Assert.Equal(NodeReasons.ResetCountRollback, Check(90_000, 6, 9)!.ReasonCode);
        Assert.Equal(NodeReasons.RestartCountRollback, Check(90_000, 7, 1)!.ReasonCode);
        var clock = Check(49_999, 7, 2)!;
        Assert.Equal(NodeReasons.ClockRollback, clock.ReasonCode);
        Assert.Contains("49999", clock.Detail);
        Assert.Contains("50000", clock.Detail);
        // safe = YES vouches for every clock the TPM reported, in any boot: a lower one is restored TPM state.
        foreach (var (reset, restart) in new (uint, uint)[] { (7, 3), (8, 0) })
        {
            var acrossBoots = Check(10, reset, restart)!;
            Assert.Equal(NodeReasons.ClockRollback, acrossBoots.ReasonCode);
            Assert.Contains("safe is YES", acrossBoots.Detail);
        }
        Assert.Equal(NodeReasons.FirmwareRollback, Check(50_001, 7, 2, firmware: 0x0001_0000_0000_0000)!.ReasonCode);
    }

    [Fact]
    public void An_unsafe_clock_fails_unless_the_policy_allows_it()
    {
        Assert.Equal(NodeReasons.ClockUnsafe, Check(50_001, 7, 2, safe: false)!.ReasonCode);
        Assert.Equal(NodeReasons.ClockUnsafe, ClockRollbackCheck.Check(null, new TpmsClockInfo(1, 0, 0, false), 0)!.ReasonCode);
        Assert.Null(Check(50_001, 7, 2, safe: false, requireSafe: false));
        // Allowing an unsafe clock does not allow a rollback.
        Assert.Equal(NodeReasons.ClockRollback, Check(1, 7, 2, safe: false, requireSafe: false)!.ReasonCode);
    }
}
