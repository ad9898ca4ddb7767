using OrleansAttest.Benchmarks.Fleet.Measurement;

namespace OrleansAttest.Benchmarks.Tests;

/// <summary>The fleet timeline reads the kernel's /proc/pressure files: outside text, read defensively.</summary>
public sealed class PressureStallTests
{
    private static readonly string[] Io =
    [
        "some avg10=1.70 avg60=11.48 avg300=20.52 total=28883428629",
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=63979721",
    ];

    [Fact]
    public void Totals_are_read_in_milliseconds()
    {
        var (some, full) = PressureStall.ParseTotals(Io);
        Assert.Equal(28_883_428.629, some, 3);
        Assert.Equal(63_979.721, full, 3);
    }

    [Fact]
    public void A_missing_full_line_is_NaN_not_zero()
    {
        var (some, full) = PressureStall.ParseTotals([Io[0]]);
        Assert.Equal(28_883_428.629, some, 3);
        Assert.True(double.IsNaN(full));
    }

    [Theory]
    [InlineData("some avg10=1.70 avg60=11.48 avg300=20.52 total=")]
    [InlineData("some avg10=1.70 avg60=11.48 avg300=20.52 total")]
    [InlineData("some avg10=1.70 avg60=11.48 avg300=20.52 total=-5")]
    [InlineData("some avg10=1.70 avg60=11.48 avg300=20.52 total=12x4")]
    [InlineData("some avg10=1.70 avg60=11.48 avg300=20.52 total=99999999999999999999999")]
    [InlineData("some")]
    [InlineData("")]
    [InlineData("somewhat total=5")]
    public void Truncated_mutated_or_oversized_lines_are_NaN(string line)
    {
        var (some, full) = PressureStall.ParseTotals([line, Io[1]]);
        Assert.True(double.IsNaN(some), $"read {some} from '{line}'");
        Assert.Equal(63_979.721, full, 3);
    }

    [Fact]
    public void This_machine_reports_pressure_and_it_only_grows()
    {
        var first = PressureStall.Read();
        Thread.Sleep(50);
        var difference = PressureStall.Read() - first;
        // CI runs on Linux with PSI (kernel ≥ 4.20): the timeline's machine columns are real numbers.
        Assert.False(double.IsNaN(first.CpuSome), "no /proc/pressure/cpu");
        Assert.False(double.IsNaN(first.IoFull), "no /proc/pressure/io");
        Assert.True(difference.CpuSome >= 0 && difference.MemoryFull >= 0 && difference.IoFull >= 0, difference.ToString());
    }
}
