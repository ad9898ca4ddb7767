using System.CommandLine;
using OrleansAttest.Cli.Commands;

namespace OrleansAttest.Cli.Admin;

/// <summary>Runs an admin command: every failure becomes one "attestctl: …" line on stderr and its exit code.</summary>
public static class AdminCommandRunner
{
    public static Func<ParseResult, CancellationToken, Task<int>> Action(AdminConnection connection,
        Func<ParseResult, AdminClient, bool, CancellationToken, Task> body) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                using var client = connection.CreateClient(parse);
                await body(parse, client, parse.GetValue(connection.Json), cancellationToken);
                return ExitCodes.Ok;
            }
            catch (AdminCallException e)
            {
                Console.Error.WriteLine($"attestctl: {e.Message}");
                return e.ExitCode;
            }
            catch (UnusableInputException e)
            {
                Console.Error.WriteLine($"attestctl: {e.Message}");
                return ExitCodes.Unusable;
            }
        };
}
