using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Grains.Listing;

/// <summary>The names of all policies. Writes are rare (an operator's apply or delete), so each is stored at once.</summary>
public sealed class PolicyDirectoryGrain(
    [PersistentState("policies", StorageNames.State)] IPersistentState<PolicyDirectoryState> state) : Grain, IPolicyDirectoryGrain
{
    private List<string> Names => state.State.Names;

    public async Task AddAsync(string name)
    {
        var at = Names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0)
            return;
        Names.Insert(~at, name);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string name)
    {
        var at = Names.BinarySearch(name, StringComparer.Ordinal);
        if (at < 0)
            return;
        Names.RemoveAt(at);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. Names]);
}
