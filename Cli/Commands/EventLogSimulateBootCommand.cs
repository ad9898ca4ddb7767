using System.CommandLine;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// <c>attestctl eventlog simulate-boot</c>: a realistic UEFI + shim + GRUB measured boot into a fresh test TPM
/// (swtpm) and a new event log. Deterministic, so every device booted this way has the same golden log.
/// </summary>
public static class EventLogSimulateBootCommand
{
    public const string Kernel = "/boot/vmlinuz-6.1.0-orleansattest";
    public const string CommandLine = "/boot/vmlinuz-6.1.0-orleansattest root=/dev/vda2 ro quiet";

    public static Command Create()
    {
        var tpm = MeasuredBootWriter.TestTpmOption();
        var log = EventLogMeasureCommand.LogOption();
        var command = new Command("simulate-boot", "For test TPMs (swtpm) after power-on: measure a UEFI Secure Boot + shim + GRUB + Linux boot into PCRs 0-9 and write its event log (the file must not exist)")
        {
            tpm, log,
        };
        command.SetAction((parse, cancellationToken) => TpmCommandRunner.RunAsync(async () =>
        {
            var file = parse.GetRequiredValue(log);
            if (file.Exists)
                throw new UnusableInputException($"{file.Name} already exists; simulate-boot writes a new log (use 'eventlog measure' to append)");
            await using var client = MeasuredBootWriter.OpenTestTpm(parse.GetValue(tpm));
            await client.StartupAsync(cancellationToken: cancellationToken);
            var banks = await MeasuredBootWriter.BanksAsync(client, null, cancellationToken);
            await RequireFreshPcrsAsync(client, banks, cancellationToken);
            var builder = Boot(banks);
            await MeasuredBootWriter.CommitAsync(client, file, builder, append: false, cancellationToken);
            Console.WriteLine($"simulated boot: {builder.EventCount - 1} events, {builder.Measurements.Count} extensions of PCRs 0-9 in {string.Join(", ", banks.Select(TpmHash.Describe))}, log {file.Name}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The events, in the order UEFI firmware, shim and GRUB log them.</summary>
    public static EventLogBuilder Boot(TpmAlgorithm[] banks)
    {
        var builder = new EventLogBuilder(banks)
            .AddEvent(0, EventType.SCrtmVersion, EventText.Encode("OrleansAttest simulated firmware 1.0", TextEncoding.Utf16, nulTerminated: true));
        // The firmware volume: measured by content, logged by address and length.
        var firmware = "OrleansAttest simulated firmware volume"u8;
        builder.AddMeasurement(0, EventType.EfiPlatformFirmwareBlob, firmware,
            new LittleEndianWriter().WriteUInt64(0xffc00000).WriteUInt64((ulong)firmware.Length).ToArray());
        builder.AddSecureBoot(enabled: true)
            .AddEfiAction(4, "Calling EFI Application from Boot Option");
        for (int pcr = 0; pcr <= 7; pcr++)
            builder.AddSeparator(pcr);
        return builder
            .AddBootServicesApplication("OrleansAttest simulated shimx64.efi"u8, "\\EFI\\orleansattest\\shimx64.efi")
            .AddBootServicesApplication("OrleansAttest simulated grubx64.efi"u8, "\\EFI\\orleansattest\\grubx64.efi")
            .AddGrubString(8, $"grub_cmd: linux {CommandLine}")
            .AddGrubString(8, $"kernel_cmdline: {CommandLine}")
            // GRUB measures the kernel file's contents into PCR 9, logging its path.
            .AddMeasurement(9, EventType.Ipl, "OrleansAttest simulated kernel image"u8, EventText.Encode(Kernel, TextEncoding.Utf8, nulTerminated: true));
    }

    /// <summary>A boot starts from reset PCRs; measuring on top of an earlier boot would give a log that does not replay.</summary>
    private static async Task RequireFreshPcrsAsync(TpmClient client, TpmAlgorithm[] banks, CancellationToken cancellationToken)
    {
        var selection = new PcrSelection(banks.Select(b => new PcrBankSelection(b, Enumerable.Range(0, 10).ToList())).ToList());
        var read = await client.ReadPcrsAsync(selection, cancellationToken);
        foreach (var (bank, pcr) in selection.InDigestOrder())
            if (read.Values[bank, pcr].Any(b => b != 0))
                throw new InvalidOperationException($"PCR {TpmHash.Describe(bank)}:{pcr} is already extended; simulate-boot needs a TPM fresh from reset (restart the swtpm)");
    }
}
