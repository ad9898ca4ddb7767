using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansAttest.EdgeAgent.Credentials;

/// <summary>
/// The optional <c>--hook</c> command, run with /bin/sh -c after credentials are stored and after they are deleted, with
/// ORLEANSATTEST_NODE, ORLEANSATTEST_CREDENTIALS_DIR, ORLEANSATTEST_EVENT (stored|revoked) and ORLEANSATTEST_REASON in
/// its environment. Its exit code is logged; a failing, hanging (killed after the timeout) or missing hook never stops the agent.
/// </summary>
public sealed class CredentialHook(string? command, string nodeName, string credentialsDirectory, TimeSpan timeout, ILogger logger)
{
    public const string Stored = "stored";
    public const string Revoked = "revoked";

    /// <summary>The hook's exit code, or null when none is configured, it could not start or it timed out.</summary>
    public async Task<int?> RunAsync(string @event, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command))
            return null;
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["ORLEANSATTEST_NODE"] = nodeName;
        start.Environment["ORLEANSATTEST_CREDENTIALS_DIR"] = credentialsDirectory;
        start.Environment["ORLEANSATTEST_EVENT"] = @event;
        start.Environment["ORLEANSATTEST_REASON"] = reason;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            logger.LogWarning("Node {Node}: the credential hook could not be started: {Problem}", nodeName, e.Message);
            return null;
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            logger.LogWarning("Node {Node}: the credential hook ({Event}) did not finish within {Timeout} s and was killed", nodeName, @event, timeout.TotalSeconds);
            return null;
        }
        var text = ((await output) + (await errors)).Trim();
        if (process.ExitCode == 0)
            logger.LogInformation("Node {Node}: the credential hook ({Event}) exited with 0{Output}", nodeName, @event, text.Length > 0 ? $": {Cut(text)}" : "");
        else
            logger.LogWarning("Node {Node}: the credential hook ({Event}) failed with exit code {Code}{Output}", nodeName, @event, process.ExitCode, text.Length > 0 ? $": {Cut(text)}" : "");
        return process.ExitCode;
    }

    private static string Cut(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
