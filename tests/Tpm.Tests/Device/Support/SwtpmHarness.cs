using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;

namespace OrleansAttest.Tpm.Tests.Device.Support;

/// <summary>
/// A fresh swtpm for one test and a client on it that records its traffic. swtpm serves one connection at a
/// time, so <see cref="RunToolAsync"/> releases our connection before a tpm2-tools program runs.
/// </summary>
public sealed class SwtpmHarness : IAsyncDisposable
{
    private SwtpmHarness(SwtpmInstance tpm)
    {
        Tpm = tpm;
        (Recorder, Client) = Connect(tpm);
    }

    public SwtpmInstance Tpm { get; }
    public RecordingTransport Recorder { get; private set; }
    public TpmClient Client { get; private set; }

    private static (RecordingTransport, TpmClient) Connect(SwtpmInstance tpm)
    {
        var recorder = new RecordingTransport(new SwtpmTransport("127.0.0.1", tpm.Port));
        return (recorder, new TpmClient(recorder));
    }

    /// <summary>A scratch directory inside the instance's own (deleted with it).</summary>
    public string WorkDirectory => Directory.CreateDirectory(Path.Combine(Tpm.Directory, "work")).FullName;

    public static async Task<SwtpmHarness> StartAsync() => new(await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken));

    public string WorkFile(string name) => Path.Combine(WorkDirectory, name);

    public async Task ReleaseAsync() => await ((SwtpmTransport)Recorder.Inner).ReleaseConnectionAsync();

    public async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        await ReleaseAsync();
        return await Tpm.RunToolAsync(tool, arguments);
    }

    /// <summary>Flushes what tpm2-tools left loaded (they exit without flushing; swtpm has no resource manager).</summary>
    public async Task FlushToolLeftoversAsync()
    {
        await ReleaseAsync();
        await Tpm.FlushAllAsync();
    }

    /// <summary>Restarts swtpm (a reboot, on new ports) and gives <see cref="Client"/> a new connection, as an agent restart would.</summary>
    public async Task RestartAsync()
    {
        await Client.DisposeAsync();
        await Tpm.RestartAsync(TestContext.Current.CancellationToken);
        (Recorder, Client) = Connect(Tpm);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Tpm.DisposeAsync();
    }
}
