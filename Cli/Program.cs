using System.CommandLine;
using OrleansAttest.Cli.Admin;
using OrleansAttest.Cli.Commands;

var root = new RootCommand("attestctl — OrleansAttest admin and offline tools: manage nodes and policies, verify TPM quotes, replay event logs, ask a TPM for evidence")
{
    VerifyQuoteCommand.Create(),
    EventLogCommands.Create(),
    TpmCommands.Create(),
    NodesCommands.Create(),
    PoliciesCommands.Create(),
    PolicyCommands.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // A command line we cannot act on is unusable input (exit 2), never a verdict.
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"attestctl: {error.Message}");
    Console.Error.WriteLine("Run 'attestctl --help' for usage.");
    return ExitCodes.Unusable;
}
// System.CommandLine's default handler would print a stack trace and exit 1, which scripts read as "judged
// invalid"; an unexpected failure gives no verdict, so it is reported in one line as unusable (exit 2).
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    Console.Error.WriteLine($"attestctl: failed with an unexpected {e.GetType().Name}: {e.Message}");
    return ExitCodes.Unusable;
}
