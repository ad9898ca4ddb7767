using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansAttest.EdgeAgent;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>
/// The product EdgeAgent (its <see cref="AgentRunner"/>) on its own swtpm, run in this process. The test shares the
/// agent's TPM client to play firmware (extend PCRs), since swtpm serves one connection at a time.
/// </summary>
public sealed class TestEdgeAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggers;
    private Task? _run;

    private TestEdgeAgent(string nodeName, SwtpmInstance tpm, TpmClient client, string stateDirectory, ILoggerFactory loggers, ConcurrentQueue<string> log)
    {
        NodeName = nodeName;
        Tpm = tpm;
        Client = client;
        StateDirectory = stateDirectory;
        _loggers = loggers;
        Log = log;
    }

    public string NodeName { get; }
    public SwtpmInstance Tpm { get; }
    public TpmClient Client { get; }
    public string StateDirectory { get; }
    public ConcurrentQueue<string> Log { get; }
    public string EkPublicSha256 { get; private set; } = "";
    public AgentRunner? Runner { get; private set; }

    /// <summary>The agent's --hook command (set before <see cref="Start"/>).</summary>
    public string? Hook { get; set; }

    /// <summary>Where the agent writes delivered credentials (its default: &lt;state dir&gt;/credentials).</summary>
    public string CredentialsDirectory => Path.Combine(StateDirectory, "credentials");
    public AgentStatus Status => Runner?.Status ?? throw new InvalidOperationException("the agent has not started");

    /// <summary>
    /// A fresh swtpm with a good boot measured into PCRs 0-7 (unless <paramref name="measureGoldenBoot"/> is false, for a
    /// test that measures its own boot); the agent is not running yet.
    /// </summary>
    public static async Task<TestEdgeAgent> CreateAsync(string nodeName, bool measureGoldenBoot = true)
    {
        var tpm = await SwtpmInstance.StartAsync();
        var client = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port));
        var log = new ConcurrentQueue<string>();
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new CapturedLog(nodeName, LogLevel.Information, log)));
        var agent = new TestEdgeAgent(nodeName, tpm, client, TestDirectory.Create("agent-state"), loggers, log);
        await using (var ek = await client.GetEndorsementKeyAsync())
            agent.EkPublicSha256 = EkPublicHash.Compute(ek.Public);
        if (measureGoldenBoot)
            for (int pcr = 0; pcr < 8; pcr++)
                await agent.ExtendAsync(pcr, $"golden component {pcr}");
        return agent;
    }

    /// <summary>Where the agent reads its event log (by default a file that does not exist: no log).</summary>
    public string EventLogPath => Path.Combine(StateDirectory, "binary_bios_measurements");

    /// <summary>Starts the agent's reconnect loop against <paramref name="gateway"/>.</summary>
    public void Start(Uri gateway, string caPath)
    {
        var options = new AgentOptions
        {
            Gateway = gateway,
            CaFile = caPath,
            NodeName = NodeName,
            Tpm = Tpm.TpmUri,
            StateDirectory = StateDirectory,
            EventLog = EventLogPath,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(2),
            Hook = Hook,
        };
        Runner = new AgentRunner(options, Client, _loggers.CreateLogger<AgentRunner>());
        _run = Task.Run(() => Runner.RunAsync(_stop.Token));
    }

    /// <summary>Extends the TPM as the firmware of a synthetic log did.</summary>
    public async Task ExtendAsync(IEnumerable<OrleansAttest.Tpm.EventLog.BuiltMeasurement> measurements)
    {
        foreach (var m in measurements)
            await Client.ExtendPcrAsync(m.PcrIndex, [.. m.Digests.Select(d => (d.Key, d.Value))]);
    }

    public async Task ExtendAsync(int pcr, string measurement) =>
        await Client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes(measurement)))]);

    /// <summary>The current sha256 values of PCRs 0-7 as a pin-everything allow list.</summary>
    public async Task<Dictionary<string, string[]>> PinCurrentAsync()
    {
        var read = await Client.ReadPcrsAsync(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7"));
        var allowed = new Dictionary<string, string[]>();
        for (int pcr = 0; pcr < 8; pcr++)
            allowed[$"sha256:{pcr}"] = [Convert.ToHexStringLower(read.Get(TpmAlgorithm.Sha256, pcr))];
        return allowed;
    }

    public string LogText() => string.Join(Environment.NewLine, Log);

    /// <summary>Stops the agent as its service stop does: its call is cancelled, which resets the stream.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception)
            {
                // The test's assertions already judged the agent; stopping only cleans up.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Client.DisposeAsync();
        await Tpm.DisposeAsync();
        _loggers.Dispose();
        _stop.Dispose();
        TestDirectory.TryDelete(StateDirectory);
    }
}
