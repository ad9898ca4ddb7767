using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>Policies, declarations and deadline-bounded waits for the end-to-end tests (generous: 2 loaded cores).</summary>
public static class TestNodes
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A quote every 3 s pinning the agent's current PCRs 0-7; unreachable only after a minute.</summary>
    public static async Task DeclareAsync(IGrainFactory factory, TestEdgeAgent agent) =>
        await DeclareAsync(factory, agent.NodeName, agent.EkPublicSha256, await agent.PinCurrentAsync());

    public static async Task DeclareAsync(IGrainFactory factory, string nodeName, string ekPublicSha256, IReadOnlyDictionary<string, string[]> allowed,
        TimeSpan? quoteInterval = null)
    {
        var policy = new AttestationPolicy
        {
            Name = $"policy-{nodeName}",
            QuoteInterval = quoteInterval ?? TimeSpan.FromSeconds(3),
            ResponseTimeout = TimeSpan.FromSeconds(2.5),
            // At least two intervals (the policy's own rule is at least one).
            UnreachableAfter = quoteInterval is { } interval && interval * 2 > TimeSpan.FromSeconds(60) ? interval * 2 : TimeSpan.FromSeconds(60),
            PcrSelection = "sha256:0,1,2,3,4,5,6,7",
            AllowedPcrValues = allowed,
        };
        var set = await factory.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
        Assert.True(set.Accepted, $"policy refused: {set.ReasonCode}: {set.Detail}");
        var declared = await factory.GetGrain<IEdgeNodeGrain>(nodeName)
            .DeclareAsync(new NodeDeclaration(nodeName, policy.Name, EkPublicSha256: ekPublicSha256));
        Assert.True(declared.Declared, $"declaration refused: {declared.ReasonCode}: {declared.Detail}");
    }

    public static async Task<EdgeNodeStatus> WaitForAsync(IGrainFactory factory, string node, Func<EdgeNodeStatus, bool> condition, string what)
    {
        var grain = factory.GetGrain<IEdgeNodeGrain>(node);
        EdgeNodeStatus? status = null;
        try
        {
            await Eventually.UntilAsync(async () => condition(status = await grain.GetStatusAsync()), Timeout, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status: {status}", e);
        }
        return status!;
    }

    public static Task UntilAsync(Func<bool> condition, string what) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), Timeout, what);
}
