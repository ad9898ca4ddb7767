namespace OrleansAttest.Cli.Admin;

/// <summary>An admin command that ends without doing what was asked: the message to print and the exit code.</summary>
public sealed class AdminCallException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
