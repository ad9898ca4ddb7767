using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Tests.EventLogs;

/// <summary>
/// Self-contained twins of <see cref="EventLogVectorTests"/>: a measured-boot log built in the test with
/// <see cref="EventLogBuilder"/>, replayed by attestctl and by the real tpm2_eventlog on the same file.
/// </summary>
public sealed class EventLogBuiltTests
{
    private static byte[] BuildLog() => new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
        .AddEvent(0, EventType.SCrtmVersion, "OrleansAttest test firmware 1.0\0"u8)
        .AddSecureBoot(enabled: true)
        .AddSeparator(7)
        .AddSeparator(0)
        .AddEfiAction(4, "Calling EFI Application from Boot Option")
        .AddBootServicesApplication("shim image bytes"u8, "\\EFI\\test\\shimx64.efi")
        .AddBootServicesApplication("grub image bytes"u8, "\\EFI\\test\\grubx64.efi")
        .AddSeparator(4)
        .AddIpl(8, "grub_cmd: linux /boot/vmlinuz-6.1.0 root=/dev/sda2 ro")
        .AddIpl(8, "kernel_cmdline: /boot/vmlinuz-6.1.0 root=/dev/sda2 ro")
        .AddIpl(9, "/boot/vmlinuz-6.1.0")
        .Build();

    private static async Task<TpmEventLogYaml> Tpm2EventLogAsync(string path)
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("tpm2_eventlog", [path]);
        Assert.True(exit == 0, $"tpm2_eventlog failed ({exit}): {stderr}");
        return TpmEventLogYaml.Parse(stdout);
    }

    [Fact]
    public async Task Replay_json_of_a_built_log_equals_tpm2_eventlog_on_the_same_file()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.Write("built.bin", BuildLog());
        var yaml = await Tpm2EventLogAsync(path);
        Assert.Equal(["sha1", "sha256"], yaml.Pcrs.Keys.Order());
        Assert.Equal([0, 4, 7, 8, 9], yaml.Pcrs["sha256"].Keys.Order());
        ReplayJson.AssertEqualsTpm2EventLog(yaml, await Attestctl.RunAsync("eventlog", "replay", path, "--json"));

        // The text form carries the same values.
        var text = (await Attestctl.RunAsync("eventlog", "replay", path)).AssertExit(0);
        Assert.Contains($"sha256 PCR  7: {yaml.Pcrs["sha256"][7]}", text.Lines);
        Assert.Contains($"sha1 PCR  9: {yaml.Pcrs["sha1"][9]}", text.Lines);
    }

    [Fact]
    public async Task Show_lists_every_event_decoded()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.Write("built.bin", BuildLog());
        var yaml = await Tpm2EventLogAsync(path);
        var lines = (await Attestctl.RunAsync("eventlog", "show", path)).AssertExit(0).Lines;

        Assert.Equal(13, lines.Count);
        Assert.StartsWith("# crypto-agile event log, 12 events, ", lines[0]);
        Assert.EndsWith("banks sha1, sha256", lines[0]);
        Assert.Equal(yaml.Events.Select(e => e.EventType), lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
        Assert.StartsWith("   2 PCR  7 EV_EFI_VARIABLE_DRIVER_CONFIG", lines[3]);
        Assert.EndsWith("SecureBoot=1", lines[3]);
        Assert.Contains(lines, l => l.Contains("PCR  4 EV_EFI_BOOT_SERVICES_APPLICATION") && l.EndsWith("\\EFI\\test\\grubx64.efi"));
        Assert.Contains(lines, l => l.Contains("PCR  4 EV_EFI_ACTION") && l.Contains("Calling EFI Application from Boot Option"));
        Assert.Contains(lines, l => l.Contains("PCR  8 EV_IPL") && l.Contains("root=/dev/sda2 ro"));
        // Digests are shown abbreviated, in the log's bank order.
        Assert.Matches(@"^ {3}1 PCR  0 EV_S_CRTM_VERSION +sha1:[0-9a-f]{16}… sha256:[0-9a-f]{16}…  ", lines[2]);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("show")]
    public async Task Truncated_built_log_is_exit_2_naming_the_problem(string command)
    {
        using var scratch = new ScratchDirectory();
        var log = BuildLog();
        var path = scratch.Write("cut.bin", log[..^5]); // inside the last event's data
        (await Attestctl.RunAsync("eventlog", command, path)).AssertUnusable("cut.bin is not a valid event log", "event 11", "truncated");

        var header = scratch.Write("header-only.bin", log[..10]);
        (await Attestctl.RunAsync("eventlog", command, header)).AssertUnusable("header-only.bin is not a valid event log", "truncated");
    }

    [Fact]
    public async Task Files_that_are_not_event_logs_are_exit_2()
    {
        using var scratch = new ScratchDirectory();
        (await Attestctl.RunAsync("eventlog", "replay", scratch.Write("text.txt", "this is not an event log\n"u8.ToArray())))
            .AssertUnusable("text.txt is not a valid event log");
        (await Attestctl.RunAsync("eventlog", "show", scratch.Write("empty.bin", []))).AssertUnusable("the log is empty");
        (await Attestctl.RunAsync("eventlog", "replay", scratch.File("absent.bin"))).AssertUnusable("cannot read event log file", "absent.bin");
    }
}
