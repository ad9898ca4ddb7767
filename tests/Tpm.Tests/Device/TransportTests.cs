using System.Buffers.Binary;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

public sealed class TransportTests
{
    private static readonly byte[] Command = CapabilityCommands.GetCapability(TpmCapability.Handles, 0x80000000, 254).ToBytes();

    /// <summary>A well-formed response that carries the command's last 4 bytes, so answers can be matched to commands.</summary>
    private static byte[] Echo(byte[] command) =>
        [0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0, .. command[^4..]];

    [Theory]
    [InlineData("swtpm:127.0.0.1:2321", "swtpm:127.0.0.1:2321")]
    [InlineData("swtpm:localhost:1", "swtpm:localhost:1")]
    [InlineData("swtpm:[::1]:2321", "swtpm:::1:2321")]
    public async Task Swtpm_addresses_parse(string uri, string description)
    {
        await using var transport = TpmTransports.Open(uri);
        Assert.IsType<SwtpmTransport>(transport);
        Assert.Equal(description, transport.Description);
    }

    [Theory]
    [InlineData("", "must be \"device:/dev/tpmrm0\" or \"swtpm:HOST:PORT\"")]
    [InlineData("/dev/tpmrm0", "must be \"device:/dev/tpmrm0\"")]
    [InlineData("tcp:127.0.0.1:2321", "unknown kind 'tcp'")]
    [InlineData("swtpm:127.0.0.1", "needs a host and a port")]
    [InlineData("swtpm::2321", "needs a host and a port")]
    [InlineData("swtpm:127.0.0.1:70000", "port '70000', which is not a number from 1 to 65535")]
    [InlineData("swtpm:127.0.0.1:-1", "port '-1'")]
    [InlineData("device:", "needs an absolute device path")]
    [InlineData("device:tpm0", "needs an absolute device path")]
    public void Bad_addresses_are_refused_with_a_clear_message(string uri, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TpmTransports.Open(uri));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_device_is_an_IOException_that_names_it()
    {
        var e = Assert.Throws<IOException>(() => TpmTransports.Open("device:/dev/no-such-tpm9"));
        Assert.Contains("/dev/no-such-tpm9 does not exist", e.Message);
    }

    [Fact]
    public async Task Swtpm_transport_reads_exactly_the_announced_response_and_keeps_the_connection()
    {
        await using var server = new FakeTpmServer(c => (Echo(c), false));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port);
        for (int i = 0; i < 3; i++)
            Assert.Equal(Echo(Command), await transport.SendAsync(Command, TestContext.Current.CancellationToken));
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Concurrent_commands_are_serialised_and_each_gets_its_own_answer()
    {
        await using var server = new FakeTpmServer(c => (Echo(c), false));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port);
        var commands = Enumerable.Range(0, 20).Select(i =>
        {
            var c = (byte[])Command.Clone();
            BinaryPrimitives.WriteInt32BigEndian(c.AsSpan(c.Length - 4), i);
            return c;
        }).ToList();
        var answers = await Task.WhenAll(commands.Select(c => Task.Run(() => transport.SendAsync(c, TestContext.Current.CancellationToken))));
        for (int i = 0; i < commands.Count; i++)
            Assert.Equal(Echo(commands[i]), answers[i]);
    }

    [Fact]
    public async Task A_connection_closed_without_an_answer_is_an_IOException_and_the_next_command_reconnects()
    {
        int calls = 0;
        await using var server = new FakeTpmServer(c => Interlocked.Increment(ref calls) == 1 ? ([], true) : (Echo(c), false));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port);
        var e = await Assert.ThrowsAsync<IOException>(() => transport.SendAsync(Command, TestContext.Current.CancellationToken));
        Assert.Contains("closed the connection without sending a response", e.Message);
        Assert.Equal(Echo(Command), await transport.SendAsync(Command, TestContext.Current.CancellationToken));
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task A_silent_TPM_times_out()
    {
        await using var server = new FakeTpmServer(_ => ([], false));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port, TimeSpan.FromMilliseconds(300));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => transport.SendAsync(Command, TestContext.Current.CancellationToken));
        Assert.Contains("did not answer within", e.Message);
    }

    [Fact]
    public async Task Device_transport_writes_once_and_reads_the_framed_response_from_a_character_file()
    {
        // A FIFO opened read-write hands back what was written: a stand-in for /dev/tpmrm0 that exercises the
        // real open/write/read path. What comes back is our own command, framed by its size field.
        var dir = Directory.CreateTempSubdirectory("orleansattest-fifo-");
        try
        {
            var path = Path.Combine(dir.FullName, "tpm");
            var (exit, _, stderr) = await ProcessRunner.RunAsync("mkfifo", [path]);
            Assert.True(exit == 0, stderr);
            await using (var device = TpmTransports.Open("device:" + path))
            {
                Assert.Equal("device:" + path, device.Description);
                Assert.Equal(Command, await device.SendAsync(Command, TestContext.Current.CancellationToken));
                var hostile = Convert.FromHexString("8001FFFFFFFF00000000");
                var e = await Assert.ThrowsAsync<TpmParseException>(() => device.SendAsync(hostile, TestContext.Current.CancellationToken));
                Assert.Contains("exceeds the 65536-byte limit", e.Message);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
