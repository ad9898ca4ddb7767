using System.Text.Json;
using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>
/// The EdgeAgent on swtpm enrolls through the gateway over TLS and stores its TPM-bound credentials (0600, hook run);
/// a PCR outside its policy fails it, revokes its credentials and the agent deletes them; an operator reset makes it
/// say hello again and enroll with a new credential generation.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // swtpm and file modes
public sealed class EnrollmentTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Agent_enrolls_with_credentials_on_disk_loses_them_on_tamper_and_enrolls_again_after_reset()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-enroll");
        var hookLog = Path.Combine(agent.StateDirectory, "hook.log");
        try
        {
            await TestNodes.DeclareAsync(fixture.Factory, agent);
            agent.Hook = $"echo \"$ORLEANSATTEST_EVENT|$ORLEANSATTEST_NODE|$ORLEANSATTEST_CREDENTIALS_DIR|$ORLEANSATTEST_REASON|$(ls \"$ORLEANSATTEST_CREDENTIALS_DIR\" | tr '\\n' ' ')\" >> '{hookLog}'";
            agent.Start(gateway.Address, fixture.CaPath);

            var enrolled = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "enrolled through the gateway");
            Assert.True(enrolled.AgentConnected);
            Assert.True(enrolled.LastAttestation!.Passed);
            Assert.Equal(agent.EkPublicSha256, enrolled.EkPublicSha256);
            Assert.True(agent.Status.Bound);
            Assert.Equal(1, agent.Status.Activations);
            // The AK was made once and kept in the state directory for the next start.
            Assert.True(File.Exists(Path.Combine(agent.StateDirectory, "ak.pub")));

            // The credentials: in a 0700 directory, one 0600 file with this node's name, validity and a 32-byte secret.
            var file = Path.Combine(agent.CredentialsDirectory, CredentialOptions.DefaultFileName);
            Assert.True(File.Exists(file), $"{file} missing; agent log:\n{agent.LogText()}");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(agent.CredentialsDirectory));
            using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)))
            {
                Assert.Equal(agent.NodeName, json.RootElement.GetProperty("node").GetString());
                Assert.Equal(32, Convert.FromBase64String(json.RootElement.GetProperty("secret").GetString()!).Length);
            }
            Assert.DoesNotContain(Directory.GetFiles(agent.CredentialsDirectory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
            var firstGeneration = agent.Status.LastCredentialGeneration;
            Assert.True(firstGeneration > 0);
            // The hook ran after the files were stored, with the documented environment.
            await TestNodes.UntilAsync(() => File.Exists(hookLog), "the hook ran");
            var stored = Assert.Single(await File.ReadAllLinesAsync(hookLog, TestContext.Current.CancellationToken));
            Assert.Equal($"stored|{agent.NodeName}|{agent.CredentialsDirectory}||{CredentialOptions.DefaultFileName} ", stored);
            var audit = await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetAuditAsync();
            Assert.Contains(audit, e => e.Kind == "credentials-acknowledged" && e.Phase == NodePhase.Enrolled);

            // Polling continues through the stream on the grain's timer, and passes keep the node Enrolled.
            var before = enrolled.Attestations;
            var polled = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Attestations >= before + 2, "two more polls through the gateway");
            Assert.Equal(NodePhase.Enrolled, polled.Phase);
            Assert.Equal(firstGeneration, agent.Status.LastCredentialGeneration);

            // Firmware measures something the policy does not allow into PCR 7.
            await agent.ExtendAsync(7, "unsigned bootloader");
            var failed = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Failed, "failed after the tamper");
            Assert.Equal(NodeReasons.PcrValueNotAllowed, failed.ReasonCode);
            await TestNodes.UntilAsync(() => agent.Status.Revocations.Any(r => r.ReasonCode == NodeReasons.PcrValueNotAllowed), "the agent received Revoked");
            Assert.Contains(gateway.Log, l => l.Contains("revoked", StringComparison.OrdinalIgnoreCase) && l.Contains(agent.NodeName));
            // The device deletes its credentials, says why, and tells the hook; the verifier revoked them too.
            await TestNodes.UntilAsync(() => !File.Exists(file), "the agent deleted its credential file");
            Assert.Empty(Directory.GetFiles(agent.CredentialsDirectory));
            Assert.Contains(agent.Log, l => l.Contains("credential file(s) deleted") && l.Contains(NodeReasons.PcrValueNotAllowed));
            await TestNodes.UntilAsync(() => File.ReadAllLines(hookLog).Any(l => l.StartsWith("revoked|")), "the hook ran for the revocation");
            Assert.Contains($"revoked|{agent.NodeName}|{agent.CredentialsDirectory}|{NodeReasons.PcrValueNotAllowed}|", File.ReadAllLines(hookLog));
            audit = await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).GetAuditAsync();
            Assert.Contains(audit, e => e.Kind == RevokeCredentialsLifecycleActions.RevokedKind && e.ReasonCode == NodeReasons.PcrValueNotAllowed);

            // The device is repaired; an operator resets the node: the agent hears "reset", says hello again, activates,
            // and is Enrolled with new credentials (a new generation).
            await ApproveCurrentBootAsync(agent);
            var reset = await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName).ResetAsync("bootloader replaced");
            Assert.Equal(NodePhase.Pending, reset.Phase);
            await TestNodes.UntilAsync(() => agent.Status.Activations >= 2, "the agent activated again after the reset");
            var again = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Enrolled, "enrolled again after the reset");
            Assert.True(again.AgentConnected);
            await TestNodes.UntilAsync(() => File.Exists(file), "new credentials on disk");
            Assert.True(agent.Status.LastCredentialGeneration > firstGeneration,
                $"generation {agent.Status.LastCredentialGeneration} after the reset, {firstGeneration} before");
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }

    /// <summary>The operator approves the new bootloader: the policy pins the device's current values (and every silo's cache has expired).</summary>
    private async Task ApproveCurrentBootAsync(TestEdgeAgent agent)
    {
        await TestNodes.DeclareAsync(fixture.Factory, agent);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }
}
