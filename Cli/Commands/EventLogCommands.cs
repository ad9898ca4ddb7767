using System.CommandLine;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Cli.Commands;

/// <summary><c>attestctl eventlog replay|show|measure|simulate-boot</c>: offline views of a TCG event log, and writing one into a test TPM.</summary>
public static class EventLogCommands
{
    public static Command Create()
    {
        var command = new Command("eventlog", "Read a TCG PC Client event log (crypto-agile or legacy SHA-1), e.g. /sys/kernel/security/tpm0/binary_bios_measurements; measure one into a test TPM (swtpm)");
        command.Subcommands.Add(CreateReplay());
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(EventLogMeasureCommand.Create());
        command.Subcommands.Add(EventLogSimulateBootCommand.Create());
        return command;
    }

    private static Command CreateReplay()
    {
        var file = LogArgument();
        var json = new Option<bool>("--json") { Description = "print {bank: {pcr: hex}} as JSON" };
        var replay = new Command("replay", "Replay the log and print the PCR values it implies, per bank") { file, json };
        replay.SetAction(parse => Run(parse.GetRequiredValue(file), log =>
        {
            var result = PcrReplayer.Replay(log);
            if (parse.GetValue(json))
                Console.WriteLine(result.ToJson());
            else
                foreach (var line in EventLogFormatter.FormatReplay(result))
                    Console.WriteLine(line);
        }));
        return replay;
    }

    private static Command CreateShow()
    {
        var file = LogArgument();
        var show = new Command("show", "List the events, decoded") { file };
        show.SetAction(parse => Run(parse.GetRequiredValue(file), log =>
        {
            foreach (var line in EventLogFormatter.FormatLines(log))
                Console.WriteLine(line);
        }));
        return show;
    }

    private static Argument<FileInfo> LogArgument() => new("file") { Description = "the binary event log" };

    private static int Run(FileInfo file, Action<TcgEventLog> action)
    {
        try
        {
            var log = EventLogParser.Parse(InputFile.ReadBytes(file, "event log"));
            action(log);
            return ExitCodes.Ok;
        }
        catch (TpmParseException e)
        {
            Console.Error.WriteLine($"attestctl: {file.Name} is not a valid event log: {e.Message}");
            return ExitCodes.Unusable;
        }
        catch (UnusableInputException e)
        {
            Console.Error.WriteLine($"attestctl: {e.Message}");
            return ExitCodes.Unusable;
        }
    }
}
