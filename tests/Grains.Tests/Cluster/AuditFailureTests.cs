using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>An audit store that refuses writes costs audit lines, not node state: every lost line is counted and warned about.</summary>
public sealed class AuditFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Failed_audit_writes_are_counted_and_logged_while_the_node_carries_on()
    {
        var options = GrainCluster.Options(GrainCluster.EmbeddedStorage(), services: s =>
        {
            s.RemoveAll<IAuditLog>();
            s.AddSingleton<IAuditLog, RefusingAuditLog>();
        });
        await using var cluster = await AttestCluster.StartAsync(options, TestContext.Current.CancellationToken);
        try
        {
            using var recorder = new MeasurementRecorder(cluster.Silos[0].Services.GetRequiredService<IMeterFactory>());
            var factory = cluster.GrainFactory;
            await TestPolicies.SetAsync(factory, TestPolicies.Fast("audit-down"));
            await using var agent = await SwtpmAgent.StartAsync("edge-audit-down", factory);
            var declared = await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "audit-down", EkPublicSha256: agent.EkPublicSha256));
            Assert.True(declared.Declared);
            Assert.Null(declared.ReasonCode);
            await agent.EnrollAsync();
            await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);

            var lost = recorder.Of("orleansattest.audit_write_failures");
            Assert.Contains(lost, m => m.Tag("kind") == "declared");
            Assert.Contains(lost, m => m.Tag("kind") == "activated");
            Assert.Contains(lost, m => m.Tag("kind") == "verdict");
            await Wait.UntilAsync(() => cluster.LogText().Contains("could not be written"), "the lost audit entries logged as warnings");
        }
        finally
        {
            output.WriteLine(cluster.LogText());
        }
    }

    private sealed class RefusingAuditLog : IAuditLog
    {
        public Task AppendAsync(string nodeName, AuditEntry entry) => throw new IOException("the audit store refuses writes");

        public Task<IReadOnlyList<AuditEntry>> ReadAsync(string nodeName, int max) => Task.FromResult<IReadOnlyList<AuditEntry>>([]);
    }
}
