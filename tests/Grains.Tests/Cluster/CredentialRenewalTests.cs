using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Configured credential files on a silo of their own: an unreadable source file is an issue failure (the node stays
/// Attested and is retried), and credentials near expiry are renewed with a new generation without leaving Enrolled.
/// </summary>
public sealed class CredentialRenewalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_missing_source_file_keeps_the_node_Attested_until_it_appears_and_credentials_are_renewed_before_expiry()
    {
        var sourceDirectory = TestDirectory.Create("credential-source");
        var source = Path.Combine(sourceDirectory, "token");
        await using var cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage(), services: s =>
            s.Configure<CredentialOptions>(o =>
            {
                // Renewal is due 4 s after each issue: a few passes of the 2 s test policy.
                o.Lifetime = TimeSpan.FromSeconds(12);
                o.RenewBefore = TimeSpan.FromSeconds(8);
                o.Files = [new CredentialFileOptions { Name = "token", SourcePath = source }, new CredentialFileOptions { Name = "node.txt", Content = "{node} until {expiresAt}" }];
            })), TestContext.Current.CancellationToken);
        try
        {
            var factory = cluster.GrainFactory;
            await TestPolicies.SetAsync(factory, TestPolicies.Fast("renewal"));
            await using var agent = await SwtpmAgent.StartAsync("edge-cred-renewal", factory);
            agent.AcknowledgeCredentials = true;
            await agent.Grain.DeclareAsync(new NodeDeclaration(agent.NodeName, "renewal", EkPublicSha256: agent.EkPublicSha256));
            await agent.EnrollAsync();

            // The source file is missing: passes go on, nothing is delivered, each attempt is audited.
            var attested = await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
            await Wait.ForStatusAsync(agent.Grain, s => s.Attestations >= attested.Attestations + 1, "another pass");
            var audit = await agent.Grain.GetAuditAsync();
            Assert.Contains(audit, a => a.Kind == "credentials-issue-failed" && a.ReasonCode == CredentialReasons.IssueFailed && a.Detail.Contains("'token' cannot be read"));
            Assert.Empty(agent.Deliveries);
            Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);

            await File.WriteAllTextAsync(source, "bootstrap-token-1", TestContext.Current.CancellationToken);
            await Wait.ForPhaseAsync(agent.Grain, NodePhase.Enrolled);
            var first = agent.Deliveries.First();
            var bundle = await agent.OpenAsync(first);
            Assert.Equal("bootstrap-token-1", Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == "token").Content));
            Assert.StartsWith($"{agent.NodeName} until ", Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == "node.txt").Content));
            Assert.Equal(TimeSpan.FromSeconds(12), bundle.ExpiresAt - bundle.IssuedAt);

            // Renewal: a new generation with the rotated source, acknowledged while the node stays Enrolled.
            await File.WriteAllTextAsync(source, "bootstrap-token-2", TestContext.Current.CancellationToken);
            await Wait.UntilAsync(() => agent.Acks.Any(a => a.Ack.Generation > first.Generation && a.Ack.Stored), "a renewal stored");
            var renewal = agent.Deliveries.First(d => d.Generation > first.Generation);
            Assert.Equal("bootstrap-token-2", Encoding.UTF8.GetString((await agent.OpenAsync(renewal)).Files.Single(f => f.Name == "token").Content));
            Assert.True(renewal.ExpiresAt > first.ExpiresAt);
            Assert.Equal(NodePhase.Enrolled, (await agent.Grain.GetStatusAsync()).Phase);
            audit = await agent.Grain.GetAuditAsync();
            Assert.Contains(audit, a => a.Kind == "credentials-acknowledged" && a.Detail.Contains("(renewal)"));
            // Newest first: everything since the first acknowledgement (the transition to Enrolled) happened in Enrolled.
            var sinceEnrolled = audit.TakeWhile(a => !(a.Kind == "credentials-acknowledged" && !a.Detail.Contains("(renewal)"))).ToList();
            Assert.Contains(sinceEnrolled, a => a.Kind == "verdict");
            Assert.All(sinceEnrolled, a => Assert.Equal(NodePhase.Enrolled, a.Phase));
        }
        finally
        {
            output.WriteLine(cluster.LogText());
            TestDirectory.TryDelete(sourceDirectory);
        }
    }
}
