using OrleansAttest.Tpm.Device.Transport;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>A transport that answers from a script: the unit tests' stand-in for a TPM.</summary>
public sealed class ScriptedTransport(Func<byte[], int, byte[]> answer) : ITpmTransport
{
    public List<byte[]> Commands { get; } = [];

    public string Description => "scripted";

    public Task<byte[]> SendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        Commands.Add(command.ToArray());
        return Task.FromResult(answer(command.ToArray(), Commands.Count - 1));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A bare response header: tag, size 10, code.</summary>
    public static byte[] Header(uint code, ushort tag = 0x8001) =>
        [(byte)(tag >> 8), (byte)tag, 0, 0, 0, 10, (byte)(code >> 24), (byte)(code >> 16), (byte)(code >> 8), (byte)code];
}
