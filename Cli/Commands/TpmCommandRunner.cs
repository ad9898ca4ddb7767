using System.Net.Sockets;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Cli.Commands;

/// <summary>Runs a command that talks to a TPM and turns its failures into one clear line and exit code 2.</summary>
public static class TpmCommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        // InvalidOperationException: the AK store's refusals (a saved AK of another algorithm, an incomplete or damaged
        // pair); InvalidDataException: an --ek-ca bundle that holds no certificate or no root.
        catch (Exception e) when (e is TpmException or TpmParseException or UnusableInputException or ArgumentException
            or InvalidOperationException or InvalidDataException or IOException or SocketException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"attestctl: {e.Message}");
            return ExitCodes.Unusable;
        }
    }
}
