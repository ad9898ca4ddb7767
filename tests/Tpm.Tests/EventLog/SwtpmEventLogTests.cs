using System.Globalization;
using System.Text.RegularExpressions;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.EventLog;

/// <summary>
/// A real TPM (swtpm) extended with a synthetic log's digests reports the PCR values our replay computes. PCRs 16
/// and 23 are the resettable debug PCRs: zero after startup and extendable from locality 0.
/// </summary>
public sealed partial class SwtpmEventLogTests
{
    private static EventLogBuilder HonestLog() => new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
        .AddIpl(16, "grub_cmd: linux /boot/vmlinuz root=/dev/sda2")
        .AddBootServicesApplication("an image"u8, "\\EFI\\test\\app.efi", pcr: 23)
        .AddEfiVariable(23, EventType.EfiVariableAuthority, EfiGuids.ShimLock, "SbatLevel", "sbat,1,2021030218\n"u8)
        .AddIpl(16, "kernel_cmdline: /boot/vmlinuz root=/dev/sda2 ro", TextEncoding.Utf8)
        .AddSeparator(16)
        .AddSeparator(23);

    [Fact]
    public async Task Replay_of_a_synthetic_log_equals_what_swtpm_reports_after_the_same_extends()
    {
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var builder = HonestLog();
        foreach (var measurement in builder.Measurements)
            await tpm.RunToolAsync("tpm2_pcrextend", measurement.ToPcrExtendArgument());
        var quoted = ParsePcrRead(await tpm.RunToolAsync("tpm2_pcrread", "sha1:16,23+sha256:16,23"));

        var replay = EventLogParser.Parse(builder.Build()).Replay();
        Assert.Empty(replay.Problems);
        foreach (var bank in new[] { TpmAlgorithm.Sha1, TpmAlgorithm.Sha256 })
            foreach (var pcr in new[] { 16, 23 })
                Assert.True(quoted[(bank, pcr)] == Convert.ToHexStringLower(replay.Get(bank, pcr)!),
                    $"{TpmHash.Describe(bank)} PCR {pcr}: TPM has {quoted[(bank, pcr)]}, replay gives {Convert.ToHexStringLower(replay.Get(bank, pcr)!)}");

        // A log that claims a different command line no longer replays to what the TPM holds for PCR 16, but
        // still does for PCR 23, which it did not touch.
        var forged = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256)
            .AddIpl(16, "grub_cmd: linux /boot/vmlinuz root=/dev/sda2")
            .AddBootServicesApplication("an image"u8, "\\EFI\\test\\app.efi", pcr: 23)
            .AddEfiVariable(23, EventType.EfiVariableAuthority, EfiGuids.ShimLock, "SbatLevel", "sbat,1,2021030218\n"u8)
            .AddIpl(16, "kernel_cmdline: /boot/vmlinuz root=/dev/sda2 ro init=/bin/sh", TextEncoding.Utf8)
            .AddSeparator(16)
            .AddSeparator(23);
        var forgedReplay = EventLogParser.Parse(forged.Build()).Replay();
        Assert.NotEqual(quoted[(TpmAlgorithm.Sha256, 16)], Convert.ToHexStringLower(forgedReplay.Get(TpmAlgorithm.Sha256, 16)!));
        Assert.Equal(quoted[(TpmAlgorithm.Sha256, 23)], Convert.ToHexStringLower(forgedReplay.Get(TpmAlgorithm.Sha256, 23)!));
    }

    /// <summary>Reads tpm2_pcrread's YAML ("  sha256:" then "    16: 0x…").</summary>
    private static Dictionary<(TpmAlgorithm, int), string> ParsePcrRead(string output)
    {
        var values = new Dictionary<(TpmAlgorithm, int), string>();
        TpmAlgorithm? bank = null;
        foreach (var line in output.Split('\n'))
        {
            if (BankLine().Match(line) is { Success: true } b)
                bank = TpmHash.Parse(b.Groups[1].Value);
            else if (ValueLine().Match(line) is { Success: true } v && bank is { } current)
                values[(current, int.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture))] = v.Groups[2].Value.ToLowerInvariant();
        }
        Assert.Equal(4, values.Count);
        return values;
    }

    [GeneratedRegex(@"^\s*(sha\d+)\s*:\s*$")]
    private static partial Regex BankLine();

    [GeneratedRegex(@"^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*$")]
    private static partial Regex ValueLine();
}
