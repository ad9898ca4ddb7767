using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>Deadline-bounded waits on node status (generous: a loaded 2-core machine runs silos, swtpm and Garnet at once).</summary>
public static class Wait
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(45);

    public static async Task<EdgeNodeStatus> ForStatusAsync(IEdgeNodeGrain grain, Func<EdgeNodeStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        EdgeNodeStatus? status = null;
        try
        {
            await Eventually.UntilAsync(async () => condition(status = await grain.GetStatusAsync()), timeout ?? Default, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status: {status}", e);
        }
        return status!;
    }

    public static Task<EdgeNodeStatus> ForPhaseAsync(IEdgeNodeGrain grain, NodePhase phase, TimeSpan? timeout = null) =>
        ForStatusAsync(grain, s => s.Phase == phase, $"node {grain.GetPrimaryKeyString()} {phase}", timeout);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), timeout ?? Default, what);
}
