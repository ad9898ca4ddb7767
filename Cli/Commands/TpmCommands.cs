using System.CommandLine;

namespace OrleansAttest.Cli.Commands;

/// <summary><c>attestctl tpm info|quote</c>: what a device's TPM would send, from the device's command line.</summary>
public static class TpmCommands
{
    public static Command Create()
    {
        var command = new Command("tpm", "Ask a TPM for its identity and evidence (run on the device)");
        command.Subcommands.Add(TpmInfoCommand.Create());
        command.Subcommands.Add(TpmQuoteCommand.Create());
        return command;
    }
}
