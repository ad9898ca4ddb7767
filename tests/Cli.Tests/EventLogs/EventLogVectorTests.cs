using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.EventLogs;

/// <summary>
/// The five real event logs in ../shared/vectors/eventlogs (read in place; skipped visibly without them) through
/// `attestctl eventlog`. The self-contained twins, on a log built in the test, are in <see cref="EventLogBuiltTests"/>.
/// </summary>
public sealed class EventLogVectorTests
{
    public static TheoryData<string> Logs =>
        ["event.bin", "event-arch-linux.bin", "event-sd-boot-fedora37.bin", "event-gce-ubuntu-2104-log.bin", "event-uefi-sha1-log.bin"];

    [Theory]
    [MemberData(nameof(Logs))]
    public async Task Replay_json_equals_the_pcrs_tpm2_eventlog_computed(string name)
    {
        var yaml = TpmEventLogYaml.Parse(SharedVectors.ReadText("eventlogs/" + Path.ChangeExtension(name, ".tpm2_eventlog.yaml")));
        var replay = await Attestctl.RunAsync("eventlog", "replay", SharedVectors.Require("eventlogs/" + name), "--json");
        ReplayJson.AssertEqualsTpm2EventLog(yaml, replay);
    }

    [Fact]
    public async Task Show_decodes_the_gce_log_one_line_per_event()
    {
        var log = SharedVectors.Require("eventlogs/event-gce-ubuntu-2104-log.bin");
        var yaml = TpmEventLogYaml.Parse(SharedVectors.ReadText("eventlogs/event-gce-ubuntu-2104-log.tpm2_eventlog.yaml"));
        var lines = (await Attestctl.RunAsync("eventlog", "show", log)).AssertExit(0).Lines;

        Assert.Equal(yaml.Events.Count + 1, lines.Count);
        Assert.StartsWith($"# crypto-agile event log, {yaml.Events.Count} events, 33824 bytes, banks sha1, sha256, sha384", lines[0]);
        Assert.StartsWith("   1 PCR  0 EV_S_CRTM_VERSION", lines[2]);
        Assert.EndsWith("\"GCE Virtual Firmware v1\"", lines[2]);
        Assert.Contains(lines, l => l.Contains("EV_EFI_VARIABLE_DRIVER_CONFIG") && l.EndsWith("SecureBoot=0"));
        Assert.Contains(lines, l => l.Contains("EV_EFI_BOOT_SERVICES_APPLICATION") && l.EndsWith("\\EFI\\ubuntu\\shimx64.efi"));
        Assert.Contains(lines, l => l.Contains("BootOrder=0003,0000,0001,0002"));
        // The event types in order are tpm2_eventlog's, one for one.
        Assert.Equal(yaml.Events.Select(e => e.EventType), lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
    }

    [Fact]
    public async Task Replay_text_names_each_bank_and_pcr_of_the_legacy_sha1_log()
    {
        var yaml = TpmEventLogYaml.Parse(SharedVectors.ReadText("eventlogs/event-uefi-sha1-log.tpm2_eventlog.yaml"));
        var lines = (await Attestctl.RunAsync("eventlog", "replay", SharedVectors.Require("eventlogs/event-uefi-sha1-log.bin"))).AssertExit(0).Lines;
        Assert.Equal(yaml.Pcrs["sha1"].OrderBy(p => p.Key).Select(p => $"sha1 PCR {p.Key,2}: {p.Value}"), lines);
        var show = (await Attestctl.RunAsync("eventlog", "show", SharedVectors.Require("eventlogs/event-uefi-sha1-log.bin"))).AssertExit(0);
        Assert.StartsWith("# legacy SHA-1 event log", show.Lines[0]);
    }

    [Fact]
    public async Task Truncated_vector_log_is_exit_2_naming_the_event_and_the_truncation()
    {
        var bytes = SharedVectors.ReadBytes("eventlogs/event-arch-linux.bin");
        using var scratch = new ScratchDirectory();
        var truncated = scratch.Write("arch-truncated.bin", bytes[..^7]);
        (await Attestctl.RunAsync("eventlog", "replay", truncated, "--json"))
            .AssertUnusable("arch-truncated.bin is not a valid event log", "truncated");
    }
}
