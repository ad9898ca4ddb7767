using Orleans.Concurrency;

namespace OrleansAttest.Grains.Watchdog;

/// <summary>
/// What the watchdog calls on a node grain (the same activation as <c>IEdgeNodeGrain</c>; not on the public
/// interface, so only silo code wakes nodes).
/// </summary>
public interface IWatchedNode : IGrainWithStringKey
{
    /// <summary>
    /// Activates the node when it is not active (which resumes its polling from stored state); on a live activation
    /// arms a tick when none is armed. Interleaves: a node busy calling its shard must not wait for the shard's sweep.
    /// </summary>
    [AlwaysInterleave]
    Task WakeAsync();
}
