using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>An swtpm agent declared under <c>policy</c>, enrolled and Attested: where most quote tests start.</summary>
public static class AttestedAgents
{
    public static async Task<SwtpmAgent> StartAsync(IGrainFactory factory, string name, AttestationPolicy policy)
    {
        await TestPolicies.SetAsync(factory, policy);
        var agent = await SwtpmAgent.StartAsync(name, factory);
        await agent.Grain.DeclareAsync(new NodeDeclaration(name, policy.Name, EkPublicSha256: agent.EkPublicSha256));
        await agent.EnrollAsync();
        await Wait.ForPhaseAsync(agent.Grain, NodePhase.Attested);
        return agent;
    }
}
