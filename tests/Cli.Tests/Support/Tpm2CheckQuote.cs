using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Support;

/// <summary>tpm2_checkquote (tpm2-tools 5.4), the reference attestctl verify-quote is compared with. It needs no TPM.</summary>
public static class Tpm2CheckQuote
{
    public static async Task<(bool Accepted, string Output)> RunAsync(string directory, string akPublic, string message,
        string signature, string pcrs, string nonceHex, string hash = "sha256")
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("tpm2_checkquote",
            ["-u", akPublic, "-m", message, "-s", signature, "-f", pcrs, "-g", hash, "-q", nonceHex], directory);
        return (exit == 0, $"tpm2_checkquote exit {exit}: {stdout.Trim()} {stderr.Trim()}");
    }
}
