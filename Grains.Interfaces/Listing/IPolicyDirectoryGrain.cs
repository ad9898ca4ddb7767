namespace OrleansAttest.Grains.Interfaces.Listing;

/// <summary>
/// The names of all stored policies (one grain, key <see cref="NodeDirectory.PolicyDirectoryKey"/>), so policies can be
/// listed; policy grains register on every write and delete and when they activate holding a policy.
/// </summary>
public interface IPolicyDirectoryGrain : IGrainWithIntegerKey
{
    Task AddAsync(string name);

    Task RemoveAsync(string name);

    /// <summary>Every registered name, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}
