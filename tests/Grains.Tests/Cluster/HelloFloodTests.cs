using System.Security.Cryptography;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>
/// Someone who knows a node's public EK (and maybe its AK) floods hellos: pending challenges stay valid against other
/// streams' hellos, new ones are rate limited per node, and the real agent on its swtpm still activates.
/// </summary>
public sealed class HelloFloodTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private IGrainFactory Factory => fixture.Factory;

    private async Task<SwtpmAgent> DeclaredAgentAsync(string name)
    {
        await TestPolicies.SetAsync(Factory, TestPolicies.Fast("flood"));
        var agent = await SwtpmAgent.StartAsync(name, Factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, "flood", EkPublicSha256: agent.EkPublicSha256));
        return agent;
    }

    /// <summary>Another valid-looking AK public area: the last byte of its RSA modulus changed (another AK Name).</summary>
    private static byte[] OtherAk(SwtpmAgent agent, byte variant)
    {
        var bytes = agent.AkPublic.ToBytes().ToArray();
        bytes[^1] ^= (byte)(variant + 1);
        return bytes;
    }

    [Fact]
    public async Task A_hello_from_another_stream_leaves_the_pending_challenge_valid_and_a_wrong_proof_does_not_burn_it()
    {
        await using var agent = await DeclaredAgentAsync("edge-flood-keep");
        var first = await agent.SayHelloAsync();
        Assert.True(first.Accepted, first.Detail);

        // An impostor with the real EK and its own AK gets a challenge of its own...
        var impostor = await agent.SayHelloAsync(agent.Hello(akPublic: OtherAk(agent, 0)));
        Assert.True(impostor.Accepted, impostor.Detail);
        Assert.NotEqual(first.Challenge!.SessionId, impostor.Challenge!.SessionId);
        // ... a replay of the real hello gets the real agent's pending challenge again (nothing new is issued) ...
        var replay = await agent.SayHelloAsync();
        Assert.True(first.Challenge.SessionId == replay.Challenge?.SessionId, $"{replay.ReasonCode}: {replay.Detail} / first: {first.Detail}\n{fixture.Cluster.LogText()}");
        // ... and a guessed proof for it is refused without using it up.
        var guessed = await agent.Grain.ActivateAsync(new ActivationProof(first.Challenge.SessionId, RandomNumberGenerator.GetBytes(32)), agent.Reference);
        Assert.Equal(NodeReasons.ProofInvalid, guessed.ReasonCode);

        var activated = await agent.ActivateAsync(first.Challenge);
        Assert.True(activated.Accepted, $"{activated.ReasonCode}: {activated.Detail}");
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        // Single use: the proven challenge (and the impostor's) are gone.
        Assert.Equal(NodeReasons.NoChallenge, (await agent.ActivateAsync(first.Challenge)).ReasonCode);
        Assert.Equal(NodeReasons.NoChallenge,
            (await agent.Grain.ActivateAsync(new ActivationProof(impostor.Challenge.SessionId, RandomNumberGenerator.GetBytes(32)), agent.Reference)).ReasonCode);
    }

    [Fact]
    public async Task New_challenges_beyond_the_burst_are_refused_as_hello_rate_limited_until_the_interval_passes()
    {
        await using var agent = await DeclaredAgentAsync("edge-flood-rate");
        // The default burst is 3 new challenges, then one per second.
        for (byte i = 0; i < 3; i++)
        {
            var accepted = await agent.SayHelloAsync(agent.Hello(akPublic: OtherAk(agent, i)));
            Assert.True(accepted.Accepted, $"hello {i}: {accepted.ReasonCode}: {accepted.Detail}");
        }
        var limited = await agent.SayHelloAsync(agent.Hello(akPublic: OtherAk(agent, 3)));
        Assert.False(limited.Accepted);
        Assert.Equal(NodeReasons.HelloRateLimited, limited.ReasonCode);
        Assert.Contains("say hello again in", limited.Detail);
        Assert.Null(limited.Challenge);

        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        var later = await agent.SayHelloAsync(agent.Hello(akPublic: OtherAk(agent, 3)));
        Assert.True(later.Accepted, $"{later.ReasonCode}: {later.Detail}");
    }

    [Fact]
    public async Task An_enrolled_agent_reconnects_at_once_through_a_flood_of_hellos_with_ever_new_AKs()
    {
        await using var agent = await DeclaredAgentAsync("edge-flood-enrolled");
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        using var stop = new CancellationTokenSource();
        long limited = 0, sent = 0;
        // Four attackers with the node's public EK and a fresh AK on every hello: each would take a token and push out
        // the oldest pending challenge.
        var attackers = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var ak = OtherAk(agent, (byte)(n * 60 + i % 60));
                ak[^2] ^= (byte)(i / 60);
                var result = await agent.Grain.HelloAsync(agent.Hello(akPublic: ak));
                Interlocked.Increment(ref sent);
                if (result.ReasonCode == NodeReasons.HelloRateLimited)
                    Interlocked.Increment(ref limited);
            }
        })).ToArray();
        try
        {
            await Wait.UntilAsync(() => Interlocked.Read(ref limited) > 50, "the attackers are rate limited");
            // The agent's connection drops and it comes back with its enrolled EK and AK, three times: each hello is
            // answered with a challenge the flood neither refuses nor evicts, and each proof activates.
            for (int reconnect = 0; reconnect < 3; reconnect++)
            {
                var hello = await agent.SayHelloAsync();
                Assert.True(hello.Accepted, $"reconnect {reconnect}: {hello.ReasonCode}: {hello.Detail} ({Interlocked.Read(ref sent)} attacker hellos)");
                await Task.Delay(200, TestContext.Current.CancellationToken); // the flood goes on between hello and proof
                var activated = await agent.ActivateAsync(hello.Challenge!);
                Assert.True(activated.Accepted, $"reconnect {reconnect}: {activated.ReasonCode}: {activated.Detail}");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(attackers);
        }
        Assert.Equal(NodePhase.Attested, (await agent.Grain.GetStatusAsync()).Phase);
    }

    [Fact]
    public async Task An_attacker_flooding_hellos_with_the_real_EK_cannot_stop_the_real_agent_from_activating()
    {
        // Challenges live 3 s in this fixture (2 min by default), so the agent may need a few hellos on a loaded machine.
        await using var agent = await DeclaredAgentAsync("edge-flood-real");
        using var stop = new CancellationTokenSource();
        long accepted = 0, limited = 0;
        var sessions = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();
        var started = DateTime.UtcNow;
        // Four attackers as fast as the grain answers: the real EK with their own AKs, and the real EK and AK replayed.
        var attackers = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            var hello = n == 3 ? agent.Hello() : agent.Hello(akPublic: OtherAk(agent, (byte)(10 + n)));
            while (!stop.IsCancellationRequested)
            {
                var result = await agent.Grain.HelloAsync(hello);
                if (result.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                    sessions.TryAdd(result.Challenge!.SessionId, 0);
                }
                else if (result.ReasonCode == NodeReasons.HelloRateLimited)
                    Interlocked.Increment(ref limited);
            }
        })).ToArray();
        try
        {
            await Wait.UntilAsync(() => Interlocked.Read(ref accepted) + Interlocked.Read(ref limited) > 200, "the flood is under way");

            // The real agent says hello and proves whatever challenge it gets, retrying like the edge agent does.
            OperationResult? activated = null;
            var attempts = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline && activated is not { Accepted: true })
            {
                attempts++;
                var hello = await agent.SayHelloAsync();
                if (hello.Accepted)
                    activated = await agent.ActivateAsync(hello.Challenge!);
                else
                    await Task.Delay(200, TestContext.Current.CancellationToken);
            }
            Assert.True(activated is { Accepted: true }, $"the real agent did not activate in {attempts} attempts: {activated?.ReasonCode}: {activated?.Detail}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(attackers);
        }
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        // Thousands of hellos, yet new challenges (MakeCredential + a state write each) only at the node's rate: burst 3, then 1/s.
        Assert.True(sessions.Count <= 3 + Math.Ceiling(seconds) + 1, $"{sessions.Count} challenges issued in {seconds:0.0} s ({accepted} hellos answered, {limited} rate limited)");
    }
}
