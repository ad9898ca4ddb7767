using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// Counts open agent streams per client address and in total, so one address (or a flood from many) cannot take every
/// stream the gateway can hold; streams within the limits are unaffected by those refused beyond them.
/// </summary>
public sealed class StreamLimiter(IOptions<GatewayOptions> options)
{
    private readonly KeyedCounts _perAddress = new();
    private int _total;

    public int OpenStreams => Volatile.Read(ref _total);

    /// <summary>A lease to dispose when the stream ends, or null with the sentence saying which limit was hit.</summary>
    public IDisposable? TryAcquire(string address, out string refusal)
    {
        var limits = options.Value;
        refusal = "";
        if (Interlocked.Increment(ref _total) is var total && limits.MaxStreams > 0 && total > limits.MaxStreams)
        {
            Interlocked.Decrement(ref _total);
            refusal = $"this gateway already holds its limit of {limits.MaxStreams} agent streams ({GatewayOptions.SectionName}:MaxStreams); try another gateway or later";
            return null;
        }
        if (!_perAddress.TryAdd(address, limits.MaxStreamsPerAddress))
        {
            Interlocked.Decrement(ref _total);
            refusal = $"address {address} already has {limits.MaxStreamsPerAddress} agent streams open ({GatewayOptions.SectionName}:MaxStreamsPerAddress)";
            return null;
        }
        return new Lease(this, address);
    }

    private void Release(string address)
    {
        Interlocked.Decrement(ref _total);
        _perAddress.Remove(address);
    }

    private sealed class Lease(StreamLimiter limiter, string address) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                limiter.Release(address);
        }
    }
}
