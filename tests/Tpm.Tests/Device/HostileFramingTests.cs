using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>A fake swtpm that lies about response sizes: refused with a parse error, before any allocation sized by the lie.</summary>
[Collection(nameof(HostileFramingTests))]
public sealed class HostileFramingTests
{
    private static readonly byte[] Command = CapabilityCommands.GetCapability(TpmCapability.Handles, 0x80000000, 254).ToBytes();

    [Theory]
    [InlineData("8001FFFFFFFF00000000", "responseSize 4294967295 exceeds the 65536-byte limit")]
    [InlineData("800100010001", "responseSize 65537 exceeds the 65536-byte limit")]
    [InlineData("80010000000900000000", "responseSize 9 is smaller than the 10-byte header")]
    [InlineData("8001000000640000000000", "ended after 11 of the 100 bytes the header announced (truncated)")]
    [InlineData("8001", "ended after 2 bytes of the response header")]
    public async Task Hostile_framing_is_a_parse_error_without_a_large_allocation(string reply, string expected)
    {
        await using var server = new FakeTpmServer(_ => (Convert.FromHexString(reply), true));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = await Assert.ThrowsAsync<TpmParseException>(() => transport.SendAsync(Command, TestContext.Current.CancellationToken));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains(expected, e.Message);
        Assert.True(allocated < 32 << 20, $"framing a hostile response allocated {allocated} bytes");
    }

}
