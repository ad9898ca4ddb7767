using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>
/// swtpm serves one connection at a time; a long-running client (the edge agent) releases its connection when idle
/// so tpm2-tools can use the same simulator, and keeps using its loaded keys afterwards.
/// </summary>
public sealed class SwtpmIdleReleaseTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commands_in_a_burst_share_one_connection_and_an_idle_one_is_closed()
    {
        var command = CapabilityCommands.GetCapability(TpmCapability.Handles, 0x80000000, 254).ToBytes();
        byte[] reply = [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0];
        await using var server = new FakeTpmServer(_ => (reply, false));
        await using var transport = new SwtpmTransport("127.0.0.1", server.Port, idleRelease: TimeSpan.FromMilliseconds(100));
        for (int i = 0; i < 3; i++)
            await transport.SendAsync(command, Cancel);
        Assert.Equal(1, server.Connections);
        await Task.Delay(500, Cancel);
        await transport.SendAsync(command, Cancel);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Tpm2_tools_reach_the_simulator_while_a_client_keeps_its_keys_loaded()
    {
        await using var tpm = await SwtpmInstance.StartAsync(Cancel);
        await using var client = new TpmClient(TpmTransports.Open(tpm.TpmUri));
        await using var ek = await client.GetEndorsementKeyAsync(cancellationToken: Cancel);
        var state = Path.Combine(tpm.Directory, "agent");
        await using var ak = await AttestationKeyStore.LoadOrCreateAsync(client, ek, state, cancellationToken: Cancel);
        var selection = PcrSelection.ParseText("sha256:4");

        await Task.Delay(SwtpmTransport.DefaultIdleRelease * 3, Cancel);
        // Would hang behind our connection without the idle release; the timeout turns that into a failure.
        var extend = tpm.RunToolAsync("tpm2_pcrextend", $"4:sha256={new string('a', 64)}");
        await extend.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        var quote = await client.QuoteAsync(ak, new byte[32], selection, Cancel);
        Assert.NotEmpty(quote.Signature);
        var pcrs = await client.ReadPcrsAsync(selection, Cancel);
        Assert.NotEqual(new byte[32], pcrs.Get(TpmAlgorithm.Sha256, 4));
    }
}
