using OrleansAttest.Gateway.Tests.Support;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Gateway.Tests.EndToEnd;

/// <summary>
/// The product EdgeAgent sends its event log file through the gateway, from the offset each request asks for: a
/// measured boot attests under a policy generated from its log, and a kernel loaded later (appended to the log and
/// extended into PCR 9, as kexec would) is refused by the rule that names the allowed kernels — judged on the appended
/// bytes alone.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class MeasuredBootEndToEndTests(GatewayClusterFixture fixture, ITestOutputHelper output)
{
    private static EventLogBuilder Boot()
    {
        var b = new EventLogBuilder(TpmAlgorithm.Sha256)
            .AddEvent(0, EventType.SCrtmVersion, "e2e firmware\0"u8)
            .AddSecureBoot(true)
            .AddSeparator(7);
        for (int pcr = 0; pcr <= 6; pcr++)
            b.AddSeparator(pcr);
        return b.AddBootServicesApplication("shim"u8, "\\EFI\\e2e\\shimx64.efi")
            .AddBootServicesApplication("grub"u8, "\\EFI\\e2e\\grubx64.efi")
            .AddIpl(8, "grub_cmd: linux /boot/vmlinuz-good root=/dev/sda2")
            .AddMeasurement(9, EventType.Ipl, "good kernel"u8, "/boot/vmlinuz-good\0"u8)
            .AddIpl(8, "kernel_cmdline: /boot/vmlinuz-good root=/dev/sda2");
    }

    [Fact]
    public async Task The_agent_sends_its_log_incrementally_and_a_later_kernel_fails_the_node()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Factory, fixture.TlsDirectory);
        await using var agent = await TestEdgeAgent.CreateAsync("edge-gw-mboot", measureGoldenBoot: false);
        try
        {
            var golden = Boot();
            var goldenBytes = golden.Build();
            await agent.ExtendAsync(golden.Measurements);
            await File.WriteAllBytesAsync(agent.EventLogPath, goldenBytes, TestContext.Current.CancellationToken);

            var log = EventLogParser.Parse(goldenBytes);
            var policy = MeasuredBootPolicyGenerator.Generate($"policy-{agent.NodeName}", log.Events, TpmAlgorithm.Sha256, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) with
            {
                QuoteInterval = TimeSpan.FromSeconds(3),
                ResponseTimeout = TimeSpan.FromSeconds(2.5),
                UnreachableAfter = TimeSpan.FromSeconds(60),
            };
            var set = await fixture.Factory.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
            Assert.True(set.Accepted, $"{set.ReasonCode}: {set.Detail}");
            await fixture.Factory.GetGrain<IEdgeNodeGrain>(agent.NodeName)
                .DeclareAsync(new NodeDeclaration(agent.NodeName, policy.Name, EkPublicSha256: agent.EkPublicSha256));
            agent.Start(gateway.Address, fixture.CaPath);

            var attested = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName,
                s => s.Phase is NodePhase.Attested or NodePhase.Enrolled && s.Attestations >= 2, "attested twice on its measured boot");
            Assert.Contains("measured-boot rules", attested.LastAttestation!.Detail);

            // Later, a kernel is loaded (kexec): measured into PCR 9 and appended to the log the agent reads.
            var later = Boot().AddMeasurement(9, EventType.Ipl, "unknown kernel"u8, "/boot/vmlinuz-kexec\0"u8);
            var laterBytes = later.Build();
            Assert.Equal(goldenBytes, laterBytes[..goldenBytes.Length]);
            await agent.ExtendAsync([later.Measurements[^1]]);
            await File.WriteAllBytesAsync(agent.EventLogPath, laterBytes, TestContext.Current.CancellationToken);

            var failed = await TestNodes.WaitForAsync(fixture.Factory, agent.NodeName, s => s.Phase == NodePhase.Failed, "failed on the appended kernel");
            Assert.Equal(MeasuredBootReasons.KernelNotAllowed, failed.ReasonCode);
            Assert.Contains($"event #{log.Events.Count}", failed.Detail);
            await TestNodes.UntilAsync(() => agent.Status.Revocations.Any(r => r.ReasonCode == MeasuredBootReasons.KernelNotAllowed), "the agent received Revoked");
        }
        finally
        {
            output.WriteLine(gateway.LogText());
            output.WriteLine(agent.LogText());
        }
    }
}
