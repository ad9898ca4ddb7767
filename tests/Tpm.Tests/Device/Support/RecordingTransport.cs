using OrleansAttest.Tpm.Device.Transport;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>Passes commands through and keeps every (command, response) pair: seeds for fuzzing, counts for chunking.</summary>
public sealed class RecordingTransport(ITpmTransport inner) : ITpmTransport
{
    private readonly List<(byte[] Command, byte[] Response)> _exchanges = [];

    public ITpmTransport Inner { get; } = inner;

    public string Description => Inner.Description;

    public IReadOnlyList<(byte[] Command, byte[] Response)> Exchanges
    {
        get
        {
            lock (_exchanges)
                return _exchanges.ToList();
        }
    }

    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        var response = await Inner.SendAsync(command, cancellationToken);
        lock (_exchanges)
            _exchanges.Add((command.ToArray(), response));
        return response;
    }

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
