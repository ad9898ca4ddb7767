using System.CommandLine;
using System.Text;
using OrleansAttest.Tpm.EventLog;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// <c>attestctl eventlog measure</c>: measures one boot event the way a boot loader would, into a test TPM (swtpm)
/// and its event log. On a real device the firmware and boot loader measure; this is for test and demo devices.
/// </summary>
public static class EventLogMeasureCommand
{
    public static Command Create()
    {
        var tpm = MeasuredBootWriter.TestTpmOption();
        var log = LogOption();
        var pcr = new Option<int>("--pcr") { Description = "the PCR to extend (0-23)", Required = true };
        var type = new Option<string>("--type")
        {
            Description = "the event type, e.g. EV_EFI_BOOT_SERVICES_APPLICATION (--data is the image's path; the digest, standing in for "
                + "its Authenticode hash, is over that text), EV_IPL (a string as GRUB measures it: \"grub_cmd: X\" logged, X measured), EV_EFI_ACTION, EV_SEPARATOR (no --data)",
            Required = true,
        };
        var data = new Option<string?>("--data") { Description = "the event's text" };
        var command = new Command("measure", "For test TPMs (swtpm): extend a PCR with an event's digests in every bank of the log and append the event to the log, creating it when absent")
        {
            tpm, log, pcr, type, data,
        };
        command.SetAction((parse, cancellationToken) => TpmCommandRunner.RunAsync(async () =>
        {
            var typeText = parse.GetRequiredValue(type);
            if (!EventTypeNames.TryParse(typeText, out var eventType))
                throw new UnusableInputException($"--type '{typeText}' is not an event type name (e.g. EV_IPL) or number (0x0000000d)");
            if (eventType == EventType.NoAction)
                throw new UnusableInputException("--type EV_NO_ACTION extends no PCR; it cannot be measured");
            var text = parse.GetValue(data);
            if (eventType == EventType.Separator && text is not null)
                throw new UnusableInputException("EV_SEPARATOR takes no --data (its data is the 4-byte value 0)");
            if (eventType != EventType.Separator && string.IsNullOrEmpty(text))
                throw new UnusableInputException($"{eventType.ToTcgName()} needs --data");
            var pcrIndex = parse.GetValue(pcr);
            if (pcrIndex is < 0 or > 23)
                throw new UnusableInputException($"--pcr {pcrIndex} is not a PCR of a PC Client TPM (0-23)");

            var file = parse.GetRequiredValue(log);
            var existing = MeasuredBootWriter.ReadExisting(file);
            await using var client = MeasuredBootWriter.OpenTestTpm(parse.GetValue(tpm));
            await client.StartupAsync(cancellationToken: cancellationToken);
            var builder = new EventLogBuilder(await MeasuredBootWriter.BanksAsync(client, existing, cancellationToken));
            _ = eventType switch
            {
                EventType.EfiBootServicesApplication => builder.AddBootServicesApplication(Encoding.UTF8.GetBytes(text!), text!, pcrIndex),
                EventType.Ipl => builder.AddGrubString(pcrIndex, text!),
                EventType.EfiAction => builder.AddEfiAction(pcrIndex, text!),
                EventType.Separator => builder.AddSeparator(pcrIndex),
                _ => builder.AddEvent(pcrIndex, eventType, Encoding.UTF8.GetBytes(text!)),
            };
            await MeasuredBootWriter.CommitAsync(client, file, builder, append: existing is not null, cancellationToken);
            foreach (var measurement in builder.Measurements)
                Console.WriteLine($"{measurement.Type.ToTcgName()} → {measurement.ToPcrExtendArgument()} ({(existing is null ? "new log" : "appended to")} {file.Name})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Option<FileInfo> LogOption() => new("--log") { Description = "the crypto-agile event log file to write", Required = true };
}
