using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>The edge-agent executable with its real command line: enrolls, stops on SIGTERM, and reuses its AK when started again.</summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class AgentExecutableTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_executable_enrolls_stops_on_SIGTERM_and_a_restart_reuses_its_AK_without_a_failure()
    {
        const string node = "edge-gw-cli";
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var tpm = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);
        var stateDir = TestDirectory.Create("agent-cli");
        var ct = TestContext.Current.CancellationToken;
        // Firmware measures a good boot; the operator pins it and the EK. The test's TPM connection closes before the
        // agent starts, as swtpm serves one connection at a time.
        await using (var client = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port)))
        {
            for (int pcr = 0; pcr < 8; pcr++)
                await client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes($"golden component {pcr}")))], ct);
            var read = await client.ReadPcrsAsync(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7"), ct);
            var allowed = Enumerable.Range(0, 8).ToDictionary(p => $"sha256:{p}", p => new[] { Convert.ToHexStringLower(read.Get(TpmAlgorithm.Sha256, p)) });
            await using var ek = await client.GetEndorsementKeyAsync(cancellationToken: ct);
            await TestNodes.DeclareAsync(fixture.Factory, node, EkPublicHash.Compute(ek.Public), allowed);
        }
        var credentialsDir = Path.Combine(stateDir, "creds");
        var hookLog = Path.Combine(stateDir, "hook.log");
        string[] Arguments(string caPath) =>
            ["--gateway", gateway.Address.ToString(), "--ca", caPath, "--node", node, "--tpm", tpm.TpmUri, "--state-dir", stateDir, "--event-log", Path.Combine(stateDir, "none"),
             "--credentials-dir", credentialsDir, "--hook", $"echo \"$ORLEANSATTEST_EVENT $ORLEANSATTEST_NODE\" >> '{hookLog}'", "--ak-algorithm", "ecc"];

        var first = AgentProcess.Start(Arguments(fixture.CaPath));
        try
        {
            var attested = await TestNodes.WaitForAsync(fixture.Factory, node, s => s.Phase == NodePhase.Enrolled && s.AgentConnected, "attested by the executable");
            var akFile = await File.ReadAllBytesAsync(Path.Combine(stateDir, "ak.pub"), ct);
            // --ak-algorithm ecc: the AK is ECC P-256; --credentials-dir and --hook are honoured.
            Assert.Equal(OrleansAttest.Tpm.Device.Keys.TpmKeyAlgorithm.Ecc, OrleansAttest.Tpm.Device.Keys.AttestationKeyStore.TryRead(stateDir)!.Algorithm);
            Assert.True(File.Exists(Path.Combine(credentialsDir, "node-credentials.json")));
            await TestNodes.UntilAsync(() => File.Exists(hookLog) && File.ReadAllText(hookLog).Contains($"stored {node}"), "the hook ran");
            Assert.Equal(0, await first.TerminateAsync(ExitTimeout));
            await TestNodes.WaitForAsync(fixture.Factory, node, s => !s.AgentConnected, "the grain learns the agent left");

            // Started again: the AK comes from the state directory, so the node stays the same enrollment.
            await using var second = AgentProcess.Start(Arguments(fixture.CaPath));
            var again = await TestNodes.WaitForAsync(fixture.Factory, node,
                s => s.AgentConnected && s.Phase == NodePhase.Enrolled && s.Attestations > attested.Attestations, "attested again after the agent restart");
            Assert.Equal(attested.AkName, again.AkName);
            Assert.Equal(0, again.Failures);
            Assert.Equal(akFile, await File.ReadAllBytesAsync(Path.Combine(stateDir, "ak.pub"), ct));
            Assert.Equal(0, await second.TerminateAsync(ExitTimeout));
            output.WriteLine(second.OutputText());

            // Revoked while the agent was away (no Revoked message could reach it): its next hello is refused, and that
            // refusal alone makes it delete its cluster credentials and run the hook.
            await fixture.Factory.GetGrain<IEdgeNodeGrain>(node).RevokeAsync("stolen from the depot");
            Assert.True(File.Exists(Path.Combine(credentialsDir, "node-credentials.json")));
            await using (var returning = AgentProcess.Start(Arguments(fixture.CaPath)))
            {
                await TestNodes.UntilAsync(() => !File.Exists(Path.Combine(credentialsDir, "node-credentials.json")), "credentials deleted on the node-revoked refusal");
                await TestNodes.UntilAsync(() => File.ReadAllText(hookLog).Contains($"revoked {node}"), "the revoked hook ran");
                await TestNodes.UntilAsync(() => returning.Output.Any(l => l.Contains("refused the connection (node-revoked)")), "the refusal logged");
            }

            // A CA file that is no certificate: the agent says so and exits non-zero instead of connecting without trust.
            var badCa = Path.Combine(stateDir, "not-a-ca.pem");
            await File.WriteAllTextAsync(badCa, "no certificate here", ct);
            await using var refused = AgentProcess.Start(Arguments(badCa));
            Assert.NotEqual(0, await refused.WaitForExitAsync(ExitTimeout));
            Assert.Contains(refused.Output, l => l.Contains("holds no PEM certificate"));

            // A missing required option or a gateway address in clear is a usage error.
            await using var usage = AgentProcess.Start("--gateway", gateway.Address.ToString());
            Assert.NotEqual(0, await usage.WaitForExitAsync(ExitTimeout));
            await using var clear = AgentProcess.Start(["--gateway", $"http://127.0.0.1:{gateway.Port}", .. Arguments(fixture.CaPath)[2..]]);
            Assert.NotEqual(0, await clear.WaitForExitAsync(ExitTimeout));
            Assert.Contains(clear.Output, l => l.Contains("is not an absolute https address"));
        }
        finally
        {
            await first.DisposeAsync();
            output.WriteLine(first.OutputText());
            output.WriteLine(gateway.LogText());
            TestDirectory.TryDelete(stateDir);
        }
    }
}
