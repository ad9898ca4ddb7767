namespace OrleansAttest.Cli.Commands;

/// <summary>attestctl's exit codes, stable for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked; for a verification, the evidence is valid.</summary>
    public const int Ok = 0;

    /// <summary>The evidence was read and judged invalid.</summary>
    public const int Invalid = 1;

    /// <summary>The input could not be read or parsed, or the command could not run (no verdict).</summary>
    public const int Unusable = 2;
}
