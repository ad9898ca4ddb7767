using Xunit;
using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>
/// A device for the process tests: a swtpm whose firmware measured a good boot into PCRs 0-7, and the operator's side
/// (a policy pinning those values and a declaration by EK public hash). The test's TPM connection is closed before an
/// agent starts, as swtpm serves one connection at a time.
/// </summary>
public sealed class SwtpmDevice : IAsyncDisposable
{
    private SwtpmDevice(string nodeName, SwtpmInstance tpm, string ekPublicSha256, Dictionary<string, string[]> allowed)
    {
        NodeName = nodeName;
        Tpm = tpm;
        EkPublicSha256 = ekPublicSha256;
        Allowed = allowed;
    }

    public string NodeName { get; }
    public SwtpmInstance Tpm { get; }
    public string EkPublicSha256 { get; }
    public Dictionary<string, string[]> Allowed { get; }
    public string StateDirectory { get; } = TestDirectory.Create("agent-state");

    public static async Task<SwtpmDevice> StartAsync(string nodeName, CancellationToken cancellationToken)
    {
        var tpm = await SwtpmInstance.StartAsync(cancellationToken);
        await using var client = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port));
        for (int pcr = 0; pcr < 8; pcr++)
            await client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes($"golden component {pcr}")))], cancellationToken);
        var read = await client.ReadPcrsAsync(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7"), cancellationToken);
        var allowed = Enumerable.Range(0, 8).ToDictionary(p => $"sha256:{p}", p => new[] { Convert.ToHexStringLower(read.Get(TpmAlgorithm.Sha256, p)) });
        await using var ek = await client.GetEndorsementKeyAsync(cancellationToken: cancellationToken);
        return new SwtpmDevice(nodeName, tpm, EkPublicHash.Compute(ek.Public), allowed);
    }

    /// <summary>A quote every 3 s pinning the good boot; Unreachable only after two minutes of silence.</summary>
    public async Task DeclareAsync(IGrainFactory grains)
    {
        var policy = new AttestationPolicy
        {
            Name = $"policy-{NodeName}",
            QuoteInterval = TimeSpan.FromSeconds(3),
            ResponseTimeout = TimeSpan.FromSeconds(2.5),
            UnreachableAfter = TimeSpan.FromMinutes(2),
            PcrSelection = "sha256:0,1,2,3,4,5,6,7",
            AllowedPcrValues = Allowed,
        };
        var set = await grains.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
        Assert.True(set.Accepted, $"policy refused: {set.ReasonCode}: {set.Detail}");
        var declared = await grains.GetGrain<IEdgeNodeGrain>(NodeName).DeclareAsync(new NodeDeclaration(NodeName, policy.Name, EkPublicSha256: EkPublicSha256));
        Assert.True(declared.Declared, $"declaration refused: {declared.ReasonCode}: {declared.Detail}");
    }

    /// <summary>
    /// Measures <paramref name="component"/> into <paramref name="pcr"/> (a tampered boot). swtpm serves one connection at
    /// a time; a running agent releases its own when idle, so this waits for at most one quote exchange.
    /// </summary>
    public async Task ExtendAsync(int pcr, string component, CancellationToken cancellationToken)
    {
        await using var client = new TpmClient(new SwtpmTransport("127.0.0.1", Tpm.Port));
        await client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes(component)))], cancellationToken);
    }

    /// <summary>The edge-agent command line for this device against <paramref name="gateway"/>.</summary>
    public string[] AgentArguments(Uri gateway, string caPath) => AgentArguments(gateway.ToString(), caPath);

    /// <summary>The edge-agent command line for this device; <paramref name="gateways"/> may list several, comma-separated.</summary>
    public string[] AgentArguments(string gateways, string caPath) =>
        ["--gateway", gateways, "--ca", caPath, "--node", NodeName, "--tpm", Tpm.TpmUri, "--state-dir", StateDirectory,
            "--event-log", Path.Combine(StateDirectory, "none")];

    public async ValueTask DisposeAsync()
    {
        await Tpm.DisposeAsync();
        TestDirectory.TryDelete(StateDirectory);
    }
}
