using System.Text.Json;
using OrleansAttest.Cli.Tests.Device;
using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Tests.EventLogs;

/// <summary>
/// `attestctl eventlog simulate-boot` and `eventlog measure` against a real swtpm: the log they write replays to
/// what tpm2_pcrread reads from the TPM, and tpm2_eventlog parses it.
/// </summary>
public sealed class EventLogMeasureTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private const string Pcrs0To9 = "0,1,2,3,4,5,6,7,8,9";

    /// <summary>The TPM's PCRs as {bank: {pcr: hex}}, read by tpm2_pcrread (raw digests, in selection order).</summary>
    private static async Task<Dictionary<string, Dictionary<int, string>>> PcrReadAsync(SwtpmInstance tpm, int[] pcrs)
    {
        var list = string.Join(",", pcrs);
        var output = Path.Combine(tpm.Directory, $"pcrs-{Guid.NewGuid():N}.bin");
        await tpm.RunToolAsync("tpm2_pcrread", $"sha1:{list}+sha256:{list}", "-o", output);
        var bytes = await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(pcrs.Length * (20 + 32), bytes.Length);
        var sha1 = pcrs.Select((p, i) => (p, Convert.ToHexStringLower(bytes.AsSpan(i * 20, 20)))).ToDictionary();
        var sha256 = pcrs.Select((p, i) => (p, Convert.ToHexStringLower(bytes.AsSpan(pcrs.Length * 20 + i * 32, 32)))).ToDictionary();
        return new() { ["sha1"] = sha1, ["sha256"] = sha256 };
    }

    private static async Task<Dictionary<string, Dictionary<int, string>>> ReplayAsync(string log)
    {
        var result = (await Attestctl.RunAsync("eventlog", "replay", log, "--json")).AssertExit(0);
        using var json = JsonDocument.Parse(result.StdOut);
        return json.RootElement.EnumerateObject().ToDictionary(
            bank => bank.Name,
            bank => bank.Value.EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetString()!));
    }

    private static async Task<TpmEventLogYaml> Tpm2EventLogAsync(string path)
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("tpm2_eventlog", [path]);
        Assert.True(exit == 0, $"tpm2_eventlog failed ({exit}): {stderr}");
        Assert.DoesNotContain("WARN", stderr, StringComparison.Ordinal);
        return TpmEventLogYaml.Parse(stdout);
    }

    [Fact]
    public async Task Simulated_boot_then_measured_events_replay_to_the_swtpm_pcrs_and_tpm2_eventlog_parses_the_log()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        using var scratch = new ScratchDirectory();
        var log = scratch.File("eventlog.bin");

        var boot = (await Attestctl.RunAsync("eventlog", "simulate-boot", "--tpm", tpm.TpmUri, "--log", log)).AssertExit(0);
        Assert.StartsWith("simulated boot: 17 events, 17 extensions of PCRs 0-9 in sha1, sha256", boot.StdOut);
        var pcrs = Enumerable.Range(0, 10).ToArray();
        Assert.Equal(await PcrReadAsync(tpm, pcrs), await ReplayAsync(log));

        // A boot application and a GRUB string measured on top, appended to the same file.
        var app = (await Attestctl.RunAsync("eventlog", "measure", "--tpm", tpm.TpmUri, "--log", log,
            "--pcr", "4", "--type", "EV_EFI_BOOT_SERVICES_APPLICATION", "--data", "\\EFI\\unknown\\bootx64.efi")).AssertExit(0);
        Assert.StartsWith("EV_EFI_BOOT_SERVICES_APPLICATION → 4:sha1=", app.StdOut);
        Assert.Contains("(appended to eventlog.bin)", app.StdOut);
        (await Attestctl.RunAsync("eventlog", "measure", "--tpm", tpm.TpmUri, "--log", log,
            "--pcr", "8", "--type", "EV_IPL", "--data", "grub_cmd: insmod evil")).AssertExit(0);

        var tpmPcrs = await PcrReadAsync(tpm, pcrs);
        var replayed = await ReplayAsync(log);
        Assert.Equal(tpmPcrs, replayed);
        var yaml = await Tpm2EventLogAsync(log);
        ReplayJson.AssertEqualsTpm2EventLog(yaml, await Attestctl.RunAsync("eventlog", "replay", log, "--json"));
        Assert.Equal(["EV_EFI_BOOT_SERVICES_APPLICATION", "EV_IPL"], yaml.Events.TakeLast(2).Select(e => e.EventType));
        Assert.Equal([4, 8], yaml.Events.TakeLast(2).Select(e => e.PcrIndex ?? -1));

        // The policy made from the golden part would refuse the appended application; `show` decodes it.
        var lines = (await Attestctl.RunAsync("eventlog", "show", log)).AssertExit(0).Lines;
        Assert.StartsWith("# crypto-agile event log, 20 events, ", lines[0]);
        Assert.Contains(lines, l => l.Contains("PCR  4 EV_EFI_BOOT_SERVICES_APPLICATION") && l.EndsWith("\\EFI\\unknown\\bootx64.efi"));
        Assert.Contains(lines, l => l.Contains("PCR  9 EV_IPL"));
        Assert.Contains(lines, l => l.Contains("PCR  7 EV_EFI_VARIABLE_DRIVER_CONFIG") && l.EndsWith("SecureBoot=1"));
    }

    [Fact]
    public async Task Measure_creates_a_log_with_the_tpms_banks_and_simulate_boot_refuses_a_measured_tpm_or_an_existing_file()
    {
        using var scratch = new ScratchDirectory();
        var log = scratch.File("new.bin");
        var result = (await Attestctl.RunAsync("eventlog", "measure", "--tpm", fixture.Tpm.TpmUri, "--log", log,
            "--pcr", "0", "--type", "EV_POST_CODE", "--data", "POST")).AssertExit(0);
        Assert.Contains("(new log new.bin)", result.StdOut);
        Assert.Equal(await PcrReadAsync(fixture.Tpm, [0]), await ReplayAsync(log));
        Assert.Equal(["sha1", "sha256"], (await Tpm2EventLogAsync(log)).Pcrs.Keys.Order());

        (await Attestctl.RunAsync("eventlog", "simulate-boot", "--tpm", fixture.Tpm.TpmUri, "--log", scratch.File("boot.bin")))
            .AssertUnusable("PCR sha1:0 is already extended", "fresh from reset");
        Assert.False(File.Exists(scratch.File("boot.bin")));
        (await Attestctl.RunAsync("eventlog", "simulate-boot", "--tpm", fixture.Tpm.TpmUri, "--log", log))
            .AssertUnusable("new.bin already exists");
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["--pcr", "4", "--type", "EV_BOGUS", "--data", "x"], "--type 'EV_BOGUS' is not an event type name" },
        { ["--pcr", "4", "--type", "EV_NO_ACTION", "--data", "x"], "EV_NO_ACTION extends no PCR" },
        { ["--pcr", "4", "--type", "EV_IPL"], "EV_IPL needs --data" },
        { ["--pcr", "4", "--type", "EV_SEPARATOR", "--data", "x"], "EV_SEPARATOR takes no --data" },
        { ["--pcr", "24", "--type", "EV_IPL", "--data", "x"], "--pcr 24 is not a PCR of a PC Client TPM (0-23)" },
        { ["--pcr", "-1", "--type", "EV_IPL", "--data", "x"], "--pcr" },
        { ["--type", "EV_IPL", "--data", "x"], "--pcr" },
        { ["--pcr", "four", "--type", "EV_IPL", "--data", "x"], "four" },
    };

    [Theory]
    [InlineData("measure")]
    [InlineData("simulate-boot")]
    public async Task A_tpm_that_is_not_a_swtpm_is_refused_before_anything_is_written(string command)
    {
        using var scratch = new ScratchDirectory();
        var log = scratch.File("log.bin");
        string[] extra = command == "measure" ? ["--pcr", "16", "--type", "EV_IPL", "--data", "x"] : [];
        (await Attestctl.RunAsync(["eventlog", command, "--tpm", "device:/dev/tpmrm0", "--log", log, .. extra]))
            .AssertUnusable("--tpm device:/dev/tpmrm0: measuring is for test TPMs only (swtpm:HOST:PORT)");
        (await Attestctl.RunAsync(["eventlog", command, "--log", log, .. extra])).AssertUnusable("--tpm");
        Assert.False(File.Exists(log));
    }

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_exit_2_naming_the_problem_and_measure_nothing(string[] arguments, string message)
    {
        using var scratch = new ScratchDirectory();
        var log = scratch.File("log.bin");
        var before = await PcrReadAsync(fixture.Tpm, [4, 8]);
        (await Attestctl.RunAsync(["eventlog", "measure", "--tpm", fixture.Tpm.TpmUri, "--log", log, .. arguments])).AssertUnusable(message);
        Assert.False(File.Exists(log));
        Assert.Equal(before, await PcrReadAsync(fixture.Tpm, [4, 8]));
    }

    [Theory]
    [InlineData("truncated", "is not a valid event log, not appending to it")]
    [InlineData("garbage", "is not a valid event log, not appending to it")]
    [InlineData("empty", "is not a valid event log, not appending to it")]
    public async Task An_unparseable_log_is_not_appended_to_and_the_tpm_is_not_extended(string kind, string message)
    {
        using var scratch = new ScratchDirectory();
        var tpm = fixture.Tpm;
        var bytes = EventLogSimulateBootCommand.Boot([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256]).Build();
        byte[] bad = kind switch
        {
            "truncated" => bytes[..^3],
            "garbage" => [.. Enumerable.Repeat((byte)0xa5, 200)],
            _ => [],
        };
        var path = scratch.Write("bad.bin", bad);
        var before = await PcrReadAsync(tpm, [4]);
        (await Attestctl.RunAsync("eventlog", "measure", "--tpm", tpm.TpmUri, "--log", path,
            "--pcr", "4", "--type", "EV_EFI_BOOT_SERVICES_APPLICATION", "--data", "\\EFI\\x.efi")).AssertUnusable("bad.bin", message);
        Assert.Equal(bad, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(before, await PcrReadAsync(tpm, [4]));
    }

    [Fact]
    public async Task An_unreachable_tpm_exits_2_and_leaves_the_log_unchanged()
    {
        using var scratch = new ScratchDirectory();
        var log = scratch.File("log.bin");
        (await Attestctl.RunAsync("eventlog", "measure", "--tpm", "swtpm:127.0.0.1:1", "--log", log,
            "--pcr", "4", "--type", "EV_IPL", "--data", "x")).AssertExit(2);
        Assert.False(File.Exists(log));
    }
}
