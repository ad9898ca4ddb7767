using System.Buffers.Binary;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Device.Transport;

/// <summary>
/// Framing of a response on a byte stream: the header's UINT32 responseSize (after the UINT16 tag) says how many
/// bytes make the response. Checked before anything is allocated, so a hostile size cannot make us reserve 4 GiB.
/// </summary>
public static class TpmResponseFrame
{
    /// <summary>tag (2) + responseSize (4) + responseCode (4).</summary>
    public const int HeaderSize = 10;

    /// <summary>No TPM response is larger (real TPMs stay within 4 KiB; the kernel's buffer is 4 KiB).</summary>
    public const int MaxResponseSize = 64 * 1024;

    /// <summary>Reads the responseSize from the first 6 bytes and checks its range.</summary>
    public static int ReadSize(ReadOnlySpan<byte> tagAndSize, string source)
    {
        uint size = BinaryPrimitives.ReadUInt32BigEndian(tagAndSize.Slice(2, 4));
        if (size < HeaderSize)
            throw new TpmParseException($"TPM response from {source}", $"responseSize {size} is smaller than the {HeaderSize}-byte header", 2);
        if (size > MaxResponseSize)
            throw new TpmParseException($"TPM response from {source}", $"responseSize {size} exceeds the {MaxResponseSize}-byte limit", 2);
        return (int)size;
    }

    /// <summary>
    /// Reads exactly one response: the 6 bytes of tag and size first, then exactly the rest. Throws
    /// <see cref="TpmParseException"/> for a bad size or a stream that ends inside the response, and
    /// <see cref="IOException"/> when it ends before the first byte.
    /// </summary>
    public static async Task<byte[]> ReadAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        var head = new byte[6];
        int got = await ReadAtLeastAsync(stream, head, cancellationToken);
        if (got == 0)
            throw new IOException($"{source} closed the connection without sending a response");
        if (got < head.Length)
            throw new TpmParseException($"TPM response from {source}", $"the stream ended after {got} bytes of the response header", got);
        int size = ReadSize(head, source);
        var response = new byte[size];
        head.CopyTo(response, 0);
        got = await ReadAtLeastAsync(stream, response.AsMemory(head.Length), cancellationToken);
        if (got < size - head.Length)
            throw new TpmParseException($"TPM response from {source}", $"the stream ended after {head.Length + got} of the {size} bytes the header announced (truncated)", head.Length + got);
        return response;
    }

    private static async Task<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
