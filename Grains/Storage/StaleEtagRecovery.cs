using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansAttest.Grains.Storage;

/// <summary>
/// Writes for shard grains whose activation holds the truth in memory (node directory, watchdog) and writes all of it
/// each time. A write whose reply was lost (a store timeout under load) may still have landed: the store then holds an
/// ETag this activation never saw, and every later write would fail with <see cref="InconsistentStateException"/> for as
/// long as the activation lives — silently, at 100,000 nodes, for every node of the shard. On that refusal the stored
/// copy is read back (taking up its ETag), offered to the caller to fold in, and the whole in-memory truth written once more.
/// </summary>
public static class StaleEtagRecovery
{
    /// <param name="fill">Copies the in-memory truth into the state object; called before each write attempt.</param>
    /// <param name="foldStored">Merges what the store held into memory before the second attempt (null: memory wins).</param>
    public static async Task WriteRecoveringEtagAsync<T>(this IPersistentState<T> state, Action<T> fill, Action<T>? foldStored,
        ILogger logger, string what)
    {
        fill(state.State);
        try
        {
            await state.WriteStateAsync();
            return;
        }
        catch (Exception e) when (IsStaleEtag(e))
        {
            logger.LogWarning("{What}: the store holds a newer version than this activation wrote (an earlier write that timed out may have landed); reading it back and writing again",
                what);
        }
        await state.ReadStateAsync();
        foldStored?.Invoke(state.State);
        fill(state.State);
        await state.WriteStateAsync();
    }

    /// <summary>The store refused the write because its ETag is not the one this activation holds.</summary>
    public static bool IsStaleEtag(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
            if (current is InconsistentStateException)
                return true;
        return false;
    }
}
